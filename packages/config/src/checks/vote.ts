import { messageOf } from "../messageOf.js";
import type { Problem } from "../problem.js";
import { splitRegexLiteral } from "../regexLiteral.js";
import { asRecord } from "./data.js";

// `vote.extract` is compiled by the engine on every answer: a pattern that cannot compile is caught
// here, with its position, instead of failing a run.

export const voteProblems = (vote: unknown): Array<Problem> => {
  const extract = asRecord(vote).extract;
  if (typeof extract !== "string" || !/^\/.+\/[dgimsuy]*$/.test(extract)) return [];
  const { pattern, flags } = splitRegexLiteral(extract);
  try {
    new RegExp(pattern, flags);
    return [];
  } catch (error) {
    const reason = messageOf(error).replace(/^Invalid regular expression: /, "");
    return [{ path: ["vote", "extract"], message: `is not a valid regular expression: ${reason}`, source: "semantic" }];
  }
};
