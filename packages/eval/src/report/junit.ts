import { formatDuration, safeText } from "@consortium/engine";
import { failureLines } from "./format.js";
import type { CaseTargetResult, EvalReport } from "./types.js";

// JUnit XML in the common subset GitHub (test reporters), GitLab (`artifacts:reports:junit`) and
// Jenkins (`junit` step) all read: <testsuites> of one <testsuite> per target, one <testcase> per
// case; a failed assertion is a <failure>, a target that gave no usable answer is an <error>.

// XML 1.0 cannot carry most C0 controls even escaped, and a CI log showing the file obeys the C1 ones;
// model output has both. safeText makes every one of them U+FFFD (a carriage return is dropped), and
// what XML also forbids (U+FFFE, U+FFFF, an unpaired surrogate) becomes U+FFFD too.
const INVALID_XML = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const escapeXml = (text: string): string =>
  safeText(text)
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

const OUTPUT_LIMIT = 4000;

const testcase = (suite: string, caseId: string, result: CaseTargetResult): string => {
  const attributes = `name="${escapeXml(caseId)}" classname="${escapeXml(`${suite}.${result.target}`)}" time="${seconds(result.latencyMs)}"`;
  const body: Array<string> = [];
  const lines = failureLines(result);
  if (result.skipped === true) {
    body.push(`      <skipped message="${escapeXml(result.error ?? "not run")}"/>`);
  } else if (result.error !== null) {
    body.push(
      `      <error message="${escapeXml(result.error)}" type="RunError">${escapeXml(lines.join("\n"))}</error>`
    );
  } else if (!result.pass) {
    const failed = result.assertions.filter((assertion) => !assertion.pass);
    const message = failed.map((assertion) => `${assertion.type}: ${assertion.reason}`).join("; ");
    body.push(
      `      <failure message="${escapeXml(message)}" type="AssertionFailed">${escapeXml(lines.join("\n"))}</failure>`
    );
  }
  const output =
    result.output.length > OUTPUT_LIMIT ? `${result.output.slice(0, OUTPUT_LIMIT)}\n… (truncated)` : result.output;
  const details = [
    result.runId === null ? undefined : `run: ${result.runId}`,
    `status: ${result.status}`,
    result.confidence === null ? undefined : `confidence: ${result.confidence}`,
    `latency: ${formatDuration(result.latencyMs)}`,
    "",
    output
  ].filter((line) => line !== undefined);
  body.push(`      <system-out>${escapeXml(details.join("\n"))}</system-out>`);
  return `    <testcase ${attributes}>\n${body.join("\n")}\n    </testcase>`;
};

export const renderJunit = (report: EvalReport): string => {
  const all = report.cases.flatMap((suiteCase) => suiteCase.results);
  const errors = all.filter((result) => result.error !== null && result.skipped !== true).length;
  const failures = all.filter((result) => !result.pass && result.error === null).length;
  const skipped = all.filter((result) => result.skipped === true).length;
  const suites = report.targets.map((target) => {
    const results = report.cases.flatMap((suiteCase) =>
      suiteCase.results.filter((result) => result.target === target.target).map((result) => ({ suiteCase, result }))
    );
    const suiteErrors = results.filter(({ result }) => result.error !== null && result.skipped !== true).length;
    const suiteFailures = results.filter(({ result }) => !result.pass && result.error === null).length;
    const time = results.reduce((sum, { result }) => sum + result.latencyMs, 0);
    const properties = [
      ["kind", target.kind],
      ["passRate", String(target.passRate)],
      ["threshold", String(report.threshold)],
      ["meetsThreshold", String(target.meetsThreshold)],
      ["meanConfidence", target.meanConfidence === null ? "" : String(target.meanConfidence)],
      ["costUsd", target.costUsd === null ? "" : String(target.costUsd)],
      ["costPerCaseUsd", target.costPerCaseUsd === null ? "" : String(target.costPerCaseUsd)],
      ["costPerPassUsd", target.costPerPassUsd === null ? "" : String(target.costPerPassUsd)],
      ["costComplete", String(target.costComplete)],
      // stopped by hand: the suite holds only the cases that finished
      ...(report.interrupted === undefined ? [] : [["interrupted", "true"]])
    ]
      .map(([name, value]) => `      <property name="${escapeXml(name!)}" value="${escapeXml(value!)}"/>`)
      .join("\n");
    return [
      `  <testsuite name="${escapeXml(`${report.suite} / ${target.target}`)}" tests="${results.length}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="${target.skipped}" time="${seconds(time)}" timestamp="${escapeXml(report.startedAt.replace(/Z$/, ""))}">`,
      `    <properties>\n${properties}\n    </properties>`,
      ...results.map(({ suiteCase, result }) => testcase(report.suite, suiteCase.id, result)),
      "  </testsuite>"
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(report.suite)}" tests="${all.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    "</testsuites>",
    ""
  ].join("\n");
};
