import { DEFAULT_KEEP_AT_LEAST, DEFAULT_QUORUM } from "../defaults.js";
import type { Problem } from "../problem.js";
import { asRecord, isPositiveInteger } from "./data.js";

// Elimination drops the lowest-ranked instances, so it needs a method that ranks, and must not leave
// fewer instances than the quorum asks answers of.

const RANKING_METHODS = ["select", "peer-review"];

export const strategyProblems = (strategy: unknown, judging: unknown, limits: unknown): Array<Problem> => {
  const record = asRecord(strategy);
  if (record.eliminate === undefined) return [];
  const problems: Array<Problem> = [];
  if (!RANKING_METHODS.includes(typeof judging === "string" ? judging : "synthesis")) {
    const method = typeof judging === "string" ? judging : "synthesis (the default)";
    problems.push({
      path: ["strategy", "eliminate"],
      message: `needs a ranking, but judging is ${method}: use judging: select or judging: peer-review`,
      source: "semantic"
    });
  }
  const keep = record.keep_at_least ?? DEFAULT_KEEP_AT_LEAST;
  const quorum = asRecord(limits).quorum ?? DEFAULT_QUORUM;
  if (isPositiveInteger(keep) && isPositiveInteger(quorum) && keep < quorum) {
    problems.push({
      path: record.keep_at_least === undefined ? ["strategy"] : ["strategy", "keep_at_least"],
      message: `keeps at least ${keep} instance${keep === 1 ? "" : "s"} but limits.quorum needs ${quorum} answers`,
      source: "semantic"
    });
  }
  return problems;
};
