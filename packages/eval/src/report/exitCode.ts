import type { EvalReport } from "./types.js";

/** How an eval ended, as its log records it: the verdict itself, not an exit code to decode. */
export type EvalOutcome = "passed" | "failed" | "error" | "interrupted";

/**
 * How a finished eval ended, and so the CLI's exit code (`exitCodeFor`):
 * - 2 when any call missed the replay cassette: the cassette no longer fits the suite (a prompt,
 *   template or model changed), which is bad input like an invalid file, not a quality verdict, and
 *   must fail CI even when the threshold would forgive the failed cases;
 * - 1 when a target's pass rate is below the threshold, or cases were left unrun: by the eval's
 *   budget, or because the eval (or, merged, one of its shards) was interrupted;
 * - 0 when every target meets it.
 * (Bad input found before running, such as an invalid suite file or option, is exit 2 from the CLI.)
 */
export const outcomeOf = (report: EvalReport): Exclude<EvalOutcome, "interrupted"> => {
  if (report.replayMisses.length > 0) return "error";
  if (report.interrupted !== undefined) return "failed";
  return report.targets.every((target) => target.meetsThreshold && target.skipped === 0) ? "passed" : "failed";
};

const exitCodes = { passed: 0, failed: 1, error: 2 } as const;

export const exitCodeFor = (report: EvalReport): 0 | 1 | 2 => exitCodes[outcomeOf(report)];
