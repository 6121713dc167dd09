import type { Path, Problem } from "../problem.js";
import { asArray, isRecord } from "./data.js";

// A single model gives no confidence, so a min-confidence assertion could only ever fail on it: a
// suite that pairs the two is a mistake worth catching before anything is paid for.

/** The labels of the suite's single-model targets (consortium files are the other kind). */
export const singleModelTargets = (targets: unknown): ReadonlyArray<string> =>
  asArray(targets).flatMap((target) => {
    if (!isRecord(target) || typeof target.model !== "string") return [];
    return [typeof target.label === "string" ? target.label : target.model];
  });

const isConfidenceAssertion = (assertion: unknown): boolean =>
  isRecord(assertion) && typeof assertion.type === "string" && assertion.type.replace(/^not-/, "") === "min-confidence";

export const confidenceTargetMessage = (singles: ReadonlyArray<string>): string =>
  `min-confidence needs a consortium's confidence, but the target${singles.length === 1 ? "" : "s"} ` +
  `${singles.map((label) => JSON.stringify(label)).join(", ")} ${singles.length === 1 ? "is a single model" : "are single models"}: ` +
  "run this case on consortium targets only (a separate suite) or drop the assertion";

/** A problem at each min-confidence assertion of `list` when the suite has single-model targets. */
export const confidenceTargetProblems = (list: unknown, path: Path, singles: ReadonlyArray<string>): Array<Problem> =>
  singles.length === 0
    ? []
    : asArray(list).flatMap((assertion, index) =>
        isConfidenceAssertion(assertion)
          ? [{ path: [...path, index, "type"], message: confidenceTargetMessage(singles), source: "semantic" as const }]
          : []
      );

/** Whether a list of assertions (as read from a case file) asks for a confidence. */
export const asksForConfidence = (list: unknown): boolean => asArray(list).some(isConfidenceAssertion);
