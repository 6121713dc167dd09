import { roundUsd } from "@consortium/config";
import { addCost } from "@consortium/engine";
import { addTokens, NO_TOKENS } from "./tokens.js";
import type { CaseTargetResult, EvalReport, TargetSummary } from "./types.js";

/** Nearest-rank percentile: always one of the observed values, 0 for no values. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
};

/** A case's cost is whole when flagged so (or, in a report older than the flag, when it is a number). */
export const costIsComplete = (result: Pick<CaseTargetResult, "costUsd" | "costComplete">): boolean =>
  result.costComplete !== false && result.costUsd !== null;

/** A pass rate meets the threshold up to float noise: 9 of 10 meets 0.9. */
export const meetsThreshold = (passed: number, total: number, threshold: number): boolean =>
  total === 0 || passed >= threshold * total - 1e-9;

export const summarizeTarget = (
  target: string,
  kind: "consortium" | "model",
  results: ReadonlyArray<CaseTargetResult>,
  threshold: number
): TargetSummary => {
  const passed = results.filter((result) => result.pass).length;
  const confidences = results.flatMap((result) => (result.confidence === null ? [] : [result.confidence]));
  const latencies = results.map((result) => result.latencyMs);
  // an unpriced call leaves the priced rest as a lower bound, as a run's cost does
  const costUsd = results.map((result) => result.costUsd).reduce<number | null>(addCost, null);
  const ran = results.filter((result) => result.skipped !== true).length;
  return {
    target,
    kind,
    total: results.length,
    passed,
    passRate: results.length === 0 ? 1 : passed / results.length,
    meetsThreshold: meetsThreshold(passed, results.length, threshold),
    meanConfidence:
      confidences.length === 0 ? null : confidences.reduce((sum, value) => sum + value, 0) / confidences.length,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    usage: results.map((result) => result.usage).reduce(addTokens, NO_TOKENS),
    judgeUsage: results.map((result) => result.judgeUsage).reduce(addTokens, NO_TOKENS),
    costUsd,
    costComplete: results.every(costIsComplete),
    costPerCaseUsd: costUsd === null || ran === 0 ? null : roundUsd(costUsd / ran),
    costPerPassUsd: costUsd === null || passed === 0 ? null : roundUsd(costUsd / passed),
    errors: results.filter((result) => result.error !== null && result.skipped !== true).length,
    skipped: results.filter((result) => result.skipped === true).length
  };
};

/** How many results a report holds (an interrupted one: those that finished). */
export const resultsDone = (report: Pick<EvalReport, "cases">): number =>
  report.cases.reduce((sum, suiteCase) => sum + suiteCase.results.length, 0);
