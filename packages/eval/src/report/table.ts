import { alignColumns, ansi, formatConfidence, formatCostBound, formatDuration, formatRate } from "@consortium/engine";
import { calibrationLine } from "./calibration.js";
import { comparisonLine } from "./comparisons.js";
import { exitCodeFor } from "./exitCode.js";
import { differingCases, failedResults, failureLines, formatTokens, skippedNote } from "./format.js";
import { resultsDone } from "./summarize.js";
import type { EvalReport } from "./types.js";

export interface TableOptions {
  /** ANSI colours for pass/fail; the CLI passes false when NO_COLOR is set or stdout is not a terminal. */
  readonly color?: boolean;
}

/** The terminal report: targets side by side, the cases where they differ, then every failure. */
export const renderTable = (report: EvalReport, options: TableOptions = {}): string => {
  const green = (text: string) => (options.color ? ansi.green(text) : text);
  const red = (text: string) => (options.color ? ansi.red(text) : text);
  const lines: Array<string> = [];

  const scope = [
    report.shard === null ? undefined : `shard ${report.shard.index}/${report.shard.count}`,
    report.filter === null ? undefined : `filter /${report.filter}/`,
    report.interrupted === undefined
      ? undefined
      : `interrupted: ${resultsDone(report)} of ${report.interrupted.resultsPlanned} results done`
  ].filter((part) => part !== undefined);
  lines.push(
    `suite ${report.suite}: ${report.cases.length} case(s) × ${report.targets.length} target(s), ` +
      `threshold ${formatRate(report.threshold)}${scope.length > 0 ? ` (${scope.join(", ")})` : ""}, ` +
      `${formatDuration(report.durationMs)}`,
    ""
  );

  const header = [
    "target",
    "kind",
    "passed",
    "rate",
    "confidence",
    "p50",
    "p95",
    "tokens in/out",
    "cost",
    "$/case",
    ""
  ];
  const rows = report.targets.map((target) => [
    target.target,
    target.kind,
    `${target.passed}/${target.total}`,
    formatRate(target.passRate),
    formatConfidence(target.meanConfidence),
    formatDuration(target.latencyP50Ms),
    formatDuration(target.latencyP95Ms),
    formatTokens(target.usage),
    formatCostBound(target.costUsd, target.costComplete),
    formatCostBound(target.costPerCaseUsd, target.costComplete),
    target.meetsThreshold ? (target.skipped > 0 ? `${target.skipped} SKIPPED` : "ok") : "BELOW THRESHOLD"
  ]);
  const padded = alignColumns([header, ...rows]);
  lines.push(
    padded[0]!,
    ...padded.slice(1).map((line, index) => (report.targets[index]!.meetsThreshold ? line : red(line)))
  );

  const comparisons = report.comparisons ?? [];
  if (comparisons.length > 0) {
    lines.push("", "consortium against its best member alone:");
    for (const entry of comparisons) lines.push(`  ${comparisonLine(entry)}`);
  }

  const calibration = report.calibration ?? [];
  if (calibration.length > 0) {
    lines.push("", "confidence against passing:");
    for (const entry of calibration) lines.push(`  ${calibrationLine(entry)}`);
  }

  const differing = differingCases(report.cases);
  if (differing.length > 0) {
    lines.push("", "cases where the targets differ:");
    const caseRows = differing.map((suiteCase) => [
      suiteCase.id,
      ...suiteCase.results.map(
        (result) =>
          `${result.pass ? "pass" : "FAIL"}${result.repeats === undefined ? "" : ` ${result.repeats.passed}/${result.repeats.runs}`}`
      )
    ]);
    const paddedCases = alignColumns([["case", ...report.targets.map((target) => target.target)], ...caseRows]);
    lines.push(...paddedCases.map((line) => `  ${line}`));
  }

  const failures = failedResults(report.cases);
  if (failures.length > 0) {
    lines.push("", "failures:");
    for (const { caseId, result } of failures) {
      lines.push(`  ${red("✗")} ${caseId} [${result.target}]${result.runId === null ? "" : ` run ${result.runId}`}`);
      for (const line of failureLines(result)) lines.push(`      ${line}`);
    }
  }

  if (report.replayMisses.length > 0) {
    lines.push("", `${report.replayMisses.length} call(s) missed the replay cassette:`);
    for (const miss of report.replayMisses) lines.push(`  ${miss}`);
  }

  const code = exitCodeFor(report);
  const budgetNote = skippedNote(report.targets);
  if (budgetNote !== "") lines.push("", red(budgetNote));
  lines.push(
    "",
    code === 0
      ? green("every target meets the threshold")
      : code === 1 && report.targets.every((target) => target.meetsThreshold)
        ? red("cases left unrun: the eval is incomplete")
        : code === 1
          ? red(
              `below threshold: ${report.targets
                .filter((target) => !target.meetsThreshold)
                .map((target) => target.target)
                .join(", ")}`
            )
          : red("the replay cassette does not match this suite: re-record it with --record")
  );
  return `${lines.join("\n")}\n`;
};
