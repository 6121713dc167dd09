import type { EvalReport } from "./types.js";

/**
 * The CLI's exit code for a finished eval:
 * - 2 when any call missed the replay cassette: the cassette no longer fits the suite (a prompt,
 *   template or model changed), which is bad input like an invalid file, not a quality verdict, and
 *   must fail CI even when the threshold would forgive the failed cases;
 * - 1 when a target's pass rate is below the threshold, or the eval's budget left cases unrun;
 * - 0 when every target meets it.
 * (Bad input found before running, such as an invalid suite file or option, is exit 2 from the CLI.)
 */
export const exitCodeFor = (report: EvalReport): 0 | 1 | 2 => {
  if (report.replayMisses.length > 0) return 2;
  return report.targets.every((target) => target.meetsThreshold && target.skipped === 0) ? 0 : 1;
};
