import { formatConfidence, formatCost, formatDuration, formatRate } from "@consortium/engine";
import { calibrationLine } from "./calibration.js";
import { comparisonLine } from "./comparisons.js";
import { exitCodeFor } from "./exitCode.js";
import { differingCases, failedResults, failureLines, formatTokens } from "./format.js";
import type { EvalReport } from "./types.js";

// Markdown for a CI job page ($GITHUB_STEP_SUMMARY); also reads fine pasted into a pull request.

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export const renderMarkdown = (report: EvalReport): string => {
  const code = exitCodeFor(report);
  const verdict =
    code === 0
      ? "✅ every target meets the threshold"
      : code === 1
        ? "❌ below threshold"
        : "❌ replay cassette mismatch";
  const lines: Array<string> = [
    `### consortium eval: ${cell(report.suite)}`,
    "",
    `${verdict} (threshold ${formatRate(report.threshold)}, ${report.cases.length} case(s)` +
      `${report.shard === null ? "" : `, shard ${report.shard.index}/${report.shard.count}`})`,
    "",
    "| target | kind | passed | rate | confidence | p50 | p95 | tokens in/out | cost | $/case | |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...report.targets.map(
      (target) =>
        `| ${cell(target.target)} | ${target.kind} | ${target.passed}/${target.total} | ${formatRate(target.passRate)} | ` +
        `${formatConfidence(target.meanConfidence)} | ${formatDuration(target.latencyP50Ms)} | ${formatDuration(target.latencyP95Ms)} | ` +
        `${formatTokens(target.usage)} | ${formatCost(target.costUsd)} | ${formatCost(target.costPerCaseUsd)} | ` +
        `${target.meetsThreshold && target.skipped === 0 ? "✅" : "❌"} |`
    )
  ];

  const comparisons = report.comparisons ?? [];
  if (comparisons.length > 0) {
    lines.push(
      "",
      "**Consortium against its best member alone**",
      "",
      ...comparisons.map((entry) => `- ${cell(comparisonLine(entry))}`)
    );
  }

  const calibration = report.calibration ?? [];
  if (calibration.length > 0) {
    lines.push(
      "",
      "**Confidence against passing**",
      "",
      ...calibration.map((entry) => `- ${cell(calibrationLine(entry))}`)
    );
  }

  const differing = differingCases(report.cases);
  if (differing.length > 0) {
    lines.push(
      "",
      "**Cases where the targets differ**",
      "",
      `| case | ${report.targets.map((target) => cell(target.target)).join(" | ")} |`,
      `| --- | ${report.targets.map(() => ":---:").join(" | ")} |`,
      ...differing.map(
        (suiteCase) =>
          `| ${cell(suiteCase.id)} | ${suiteCase.results.map((result) => (result.pass ? "✅" : "❌")).join(" | ")} |`
      )
    );
  }

  const failures = failedResults(report.cases);
  if (failures.length > 0) {
    lines.push("", `<details><summary>${failures.length} failure(s)</summary>`, "");
    for (const { caseId, result } of failures) {
      lines.push(`- \`${caseId}\` on **${cell(result.target)}**`);
      for (const line of failureLines(result)) lines.push(`  - ${cell(line)}`);
    }
    lines.push("", "</details>");
  }
  return `${lines.join("\n")}\n`;
};
