import { formatConfidence, formatCostBound, formatDuration, formatRate, safeText } from "@consortium/engine";
import { calibrationLine } from "./calibration.js";
import { comparisonLine } from "./comparisons.js";
import { exitCodeFor } from "./exitCode.js";
import { differingCases, failedResults, failureLines, formatTokens } from "./format.js";
import { resultsDone } from "./summarize.js";
import type { EvalReport } from "./types.js";

// Markdown for a CI job page ($GITHUB_STEP_SUMMARY); also reads fine pasted into a pull request.

// Names and above all what models wrote (an answer quoted in a failure, a judge's reason, a provider's
// error) are text here, never Markdown or HTML: GitHub would render their tags, links and emphasis, and a
// `|` or a new line would break the tables. So a text is made inert for a terminal, kept on one line,
// every character Markdown gives a meaning inline is backslash-escaped (CommonMark allows that for any
// ASCII punctuation), and what would open a block at the start of a list item (a heading, a list) too.
const INLINE = /[\\`*_[\]<>|~&]/g;

const cell = (text: string): string =>
  safeText(text)
    .replace(/\s*\n\s*/g, " ")
    .trimStart()
    .replace(INLINE, "\\$&")
    .replace(/^[#+=-]/, "\\$&")
    .replace(/^(\d+)([.)])/, "$1\\$2");

/** `text` as inline code: a fence longer than any run of backticks in it, so it cannot close early. */
const inlineCode = (text: string): string => {
  const flat = safeText(text).replace(/\s*\n\s*/g, " ");
  const fence = "`".repeat(Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
};

export const renderMarkdown = (report: EvalReport): string => {
  const code = exitCodeFor(report);
  const verdict =
    report.interrupted !== undefined
      ? `⏹ interrupted: ${resultsDone(report)} of ${report.interrupted.resultsPlanned} results done`
      : code === 0
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
        `${formatTokens(target.usage)} | ${formatCostBound(target.costUsd, target.costComplete)} | ${formatCostBound(target.costPerCaseUsd, target.costComplete)} | ` +
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
      lines.push(`- ${inlineCode(caseId)} on **${cell(result.target)}**`);
      for (const line of failureLines(result)) lines.push(`  - ${cell(line)}`);
    }
    lines.push("", "</details>");
  }
  return `${lines.join("\n")}\n`;
};
