import { formatConfidence } from "@consortium/engine/text";
import { formatTime } from "@consortium/store";
import { type Html, html } from "../html/escape.js";
import { type PageMode, renderPage } from "../html/page.js";
import type { CaseView, CellView, EvalMatrix } from "../model/evalMatrix.js";
import { badge, costBound, duration, percent, tokens } from "./format.js";

// One eval: per target the pass rate against the threshold, then the cases × targets matrix (pass or
// fail, the first failing assertion, cost, latency). A case opens to each target's answer side by side:
// in a report file as a collapsible section below, in the viewer as its own page.

export interface EvalPageOptions {
  readonly mode: PageMode;
  /** Viewer: the URL of a case's page; absent in a file, where cases open in place. */
  readonly caseUrl?: (caseId: string) => string;
  readonly runUrl?: (runId: string) => string;
  readonly liveUrl?: string;
}

const caseAnchor = (index: number): string => `case-${index + 1}`;

const firstFailure = (cell: CellView): string | null => {
  const failed = cell.assertions.find((assertion) => !assertion.pass);
  if (failed !== undefined) return `${failed.type}: ${failed.reason}`;
  return cell.error;
};

const matrixCell = (cell: CellView | null, caseId: string): Html => {
  if (cell === null) return html`<td class="cell pending" data-case="${caseId}">…</td>`;
  const failure = cell.pass ? null : firstFailure(cell);
  // no whitespace between the elements: thousands of cells, each text node one more for the browser
  return html`<td class="cell ${cell.pass ? "pass" : "fail"}" data-case="${caseId}" data-target="${cell.target}" data-pass="${String(cell.pass)}"><span class="cell-mark">${cell.pass ? "✓ pass" : "✗ fail"}</span>${failure === null ? "" : html`<div class="small error">${failure.length > 160 ? `${failure.slice(0, 159)}…` : failure}</div>`}<div class="small muted">${costBound(cell.costUsd, cell.costComplete)} · ${duration(cell.latencyMs)}</div></td>`;
};

const caseFailed = (one: CaseView): boolean => one.cells.some((cell) => cell !== null && !cell.pass);

export const cellCard = (cell: CellView, options: Pick<EvalPageOptions, "runUrl">): Html =>
  html`<article class="card${cell.pass ? "" : " failed"}" data-target="${cell.target}">
<h3><span>${cell.target}</span>${badge(cell.pass ? "pass" : "fail")}</h3>
<div class="stats"><span>${tokens(cell.inputTokens, cell.outputTokens)}</span><span>${duration(cell.latencyMs)}</span><span>${costBound(cell.costUsd, cell.costComplete)}</span>${cell.confidence === null ? "" : html`<span>confidence ${formatConfidence(cell.confidence)}</span>`}${cell.status === null ? "" : html`<span>${cell.status}</span>`}</div>
${cell.runId === null ? "" : options.runUrl === undefined ? html`<p class="small muted">run ${cell.runId}</p>` : html`<p class="small"><a href="${options.runUrl(cell.runId)}">run ${cell.runId}</a></p>`}
${cell.error === null ? "" : html`<p class="error">${cell.error}</p>`}
<ul class="assertions small">${cell.assertions.map((assertion) => html`<li class="${assertion.pass ? "" : "error"}">${assertion.pass ? "✓" : "✗"} ${assertion.type}${assertion.reason === "" ? "" : `: ${assertion.reason}`}</li>`)}</ul>
<pre class="answer-text">${cell.output === "" ? "(no output)" : cell.output}</pre>
</article>`;

export const renderCaseBody = (one: CaseView, options: Pick<EvalPageOptions, "runUrl">): Html =>
  html`${one.prompt === null ? "" : html`<pre class="prompt">${one.prompt}</pre>`}
<div class="grid">${one.cells.map((cell) => (cell === null ? "" : cellCard(cell, options)))}</div>`;

/** The id of the report file's embedded case data (see caseData). */
export const CASES_DATA_ID = "eval-cases";

/** A report opens failing cases by itself only when they are this few: each one open is built on load. */
const OPEN_FAILURES_AT_MOST = 20;

/**
 * A case as the report file embeds it: its answers are built on the page when the case is opened, by
 * the page's script and as text only, so a report of thousands of cases stays light and opens fast.
 * Numbers come formatted, so the page and the viewer show them alike.
 */
const caseData = (one: CaseView) => ({
  prompt: one.prompt,
  cells: one.cells
    .filter((cell): cell is CellView => cell !== null)
    .map((cell) => ({
      target: cell.target,
      pass: cell.pass,
      stats: [
        tokens(cell.inputTokens, cell.outputTokens),
        duration(cell.latencyMs),
        costBound(cell.costUsd, cell.costComplete),
        ...(cell.confidence === null ? [] : [`confidence ${formatConfidence(cell.confidence)}`]),
        ...(cell.status === null ? [] : [cell.status])
      ],
      run: cell.runId,
      error: cell.error,
      assertions: cell.assertions.map((assertion) => [
        assertion.pass,
        assertion.reason === "" ? assertion.type : `${assertion.type}: ${assertion.reason}`
      ]),
      output: cell.output
    }))
});

/** The report file's answers: one closed section per case, filled from the embedded data when opened. */
const lazyAnswers = (matrix: EvalMatrix): Html => {
  const openFailures = matrix.cases.filter(caseFailed).length <= OPEN_FAILURES_AT_MOST;
  return html`<h2>Answers</h2><p class="small muted">Open a case (or its link in the matrix) to see each target's answer.</p>
${matrix.cases.map((one, index) => html`<details class="case" id="${caseAnchor(index)}" data-case-index="${index}"${openFailures && caseFailed(one) ? " open" : ""}><summary>${one.id}${caseFailed(one) ? " · failed" : ""}</summary></details>`)}`;
};

/**
 * Rows laid out with the page; the rest wait, parsed but inert, in a template the page's script moves
 * into the table a batch at a time once the page is shown: laying out thousands of rows at once kept
 * a large report blank for seconds.
 */
const FIRST_ROWS = 100;

const matrixRow = (one: CaseView, index: number, options: EvalPageOptions): Html =>
  html`<tr data-case="${one.id}" data-failed="${String(caseFailed(one))}"><th scope="row"><a href="${options.caseUrl === undefined ? `#${caseAnchor(index)}` : options.caseUrl(one.id)}">${one.id}</a></th>${one.cells.map((cell) => matrixCell(cell, one.id))}</tr>`;

export const evalVersion = (matrix: EvalMatrix): string =>
  `${matrix.status}:${matrix.cases.reduce((n, one) => n + one.cells.filter((cell) => cell !== null).length, 0)}`;

export const renderEvalMain = (matrix: EvalMatrix, options: EvalPageOptions): Html => {
  const live = options.mode === "server" && matrix.status === "running" && options.liveUrl !== undefined;
  const failedCases = matrix.cases.filter(caseFailed).length;
  return html`<main${live ? html` data-live="${options.liveUrl ?? ""}"` : ""} data-version="${evalVersion(matrix)}">
<h1>Eval <span class="mono">${matrix.id}</span> ${badge(matrix.status)}</h1>
<dl class="meta"><dt>suite</dt><dd>${matrix.suite}</dd>
<dt>threshold</dt><dd>${matrix.threshold === null ? "-" : percent(matrix.threshold)}</dd>
<dt>started</dt><dd>${formatTime(matrix.startedAt)} UTC${matrix.endedAt === null ? "" : ` · ended ${formatTime(matrix.endedAt)} UTC`}</dd>
<dt>cases</dt><dd>${matrix.cases.length}, ${failedCases} with a failure</dd></dl>
<div class="scroll"><table class="targets"><thead><tr><th>target</th><th class="num">passed</th><th class="num">pass rate</th><th>threshold</th><th class="num">cost</th></tr></thead><tbody>
${matrix.totals.map((total) => html`<tr data-target="${total.target}"><td>${total.target}</td><td class="num">${total.passed}/${total.total}</td><td class="num">${total.total === 0 ? "-" : percent(total.passed / total.total)}</td><td>${total.meetsThreshold === null ? "-" : badge(total.meetsThreshold ? "met" : "missed", total.meetsThreshold ? "pass" : "fail")}</td><td class="num">${costBound(total.costUsd, total.costComplete)}</td></tr>`)}
</tbody></table></div>
<h2>Cases × targets</h2>
<p><label><input type="checkbox" id="only-failures"> only cases with a failure</label></p>
<div class="scroll"><table id="matrix"><thead><tr><th scope="col">case</th>${matrix.targets.map((target) => html`<th scope="col">${target}</th>`)}</tr></thead><tbody>
${matrix.cases.slice(0, FIRST_ROWS).map((one, index) => matrixRow(one, index, options))}
</tbody></table></div>
${matrix.cases.length > FIRST_ROWS ? html`<template id="matrix-more">${matrix.cases.slice(FIRST_ROWS).map((one, index) => matrixRow(one, FIRST_ROWS + index, options))}</template>` : ""}
${options.caseUrl === undefined ? lazyAnswers(matrix) : ""}
</main>`;
};

export const renderEvalPage = (matrix: EvalMatrix, options: EvalPageOptions & { readonly nav?: Html }): string =>
  renderPage({
    title: `Eval ${matrix.suite} · ${matrix.id}`,
    mode: options.mode,
    body: renderEvalMain(matrix, options),
    ...(options.caseUrl === undefined ? { data: { [CASES_DATA_ID]: matrix.cases.map(caseData) } } : {}),
    ...(options.nav === undefined ? {} : { nav: options.nav })
  });
