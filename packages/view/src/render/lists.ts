import { formatConfidence, oneLine } from "@consortium/engine/text";
import { type EvalSummary, formatRunCost, formatTime, type RunSummary } from "@consortium/store";
import { type Html, html } from "../html/escape.js";
import { badge, duration, percent, tokens } from "./format.js";

// The viewer's lists: runs (filterable, newest first, a page at a time) and evals.

export const RUN_STATUSES = ["running", "completed", "degraded", "failed", "interrupted"] as const;

export interface RunFilter {
  readonly consortium?: string;
  readonly status?: string;
  readonly text?: string;
  /** yyyy-mm-dd, inclusive */
  readonly from?: string;
  readonly to?: string;
}

const option = (value: string, label: string, selected: boolean): Html =>
  html`<option value="${value}"${selected ? html` selected` : ""}>${label}</option>`;

export const renderRunsMain = (
  runs: ReadonlyArray<RunSummary>,
  filter: RunFilter,
  nextPage: string | null
): Html => html`<main>
<h1>Runs</h1>
<form class="filters" method="get" action="/runs" role="search">
<label>consortium<input type="text" name="consortium" value="${filter.consortium ?? ""}"></label>
<label>status<select name="status">${option("", "any", filter.status === undefined)}${RUN_STATUSES.map((status) => option(status, status, status === filter.status))}</select></label>
<label>prompt contains<input type="search" name="q" value="${filter.text ?? ""}"></label>
<label>from<input type="date" name="from" value="${filter.from ?? ""}"></label>
<label>to<input type="date" name="to" value="${filter.to ?? ""}"></label>
<button type="submit">Filter</button>
</form>
${
  runs.length === 0
    ? html`<p class="muted">No runs match.</p>`
    : html`<div class="scroll"><table id="runs"><thead><tr><th>started (UTC)</th><th>run</th><th>consortium</th><th>status</th><th>prompt</th><th class="num">rounds</th><th class="num">confidence</th><th class="num">tokens</th><th class="num">cost</th><th class="num">time</th></tr></thead><tbody>
${runs.map(
  (run) =>
    html`<tr data-run="${run.id}"><td class="num">${formatTime(run.startedAt)}</td><td><a href="/runs/${encodeURIComponent(run.id)}">${run.id.slice(0, 12)}</a></td><td>${run.consortium}</td><td>${badge(run.status)}</td><td>${oneLine(run.promptHead, 80)}</td><td class="num">${run.iterations}</td><td class="num">${formatConfidence(run.confidence)}</td><td class="num">${tokens(run.inputTokens, run.outputTokens)}</td><td class="num">${formatRunCost(run)}</td><td class="num">${duration(run.durationMs)}</td></tr>`
)}
</tbody></table></div>`
}
<nav class="pager" aria-label="pages">${nextPage === null ? "" : html`<a href="${nextPage}" rel="next">Older runs →</a>`}</nav>
</main>`;

export const renderEvalsMain = (evals: ReadonlyArray<EvalSummary>, nextPage: string | null): Html => html`<main>
<h1>Evals</h1>
${
  evals.length === 0
    ? html`<p class="muted">No evals recorded.</p>`
    : html`<div class="scroll"><table id="evals"><thead><tr><th>started (UTC)</th><th>eval</th><th>suite</th><th>status</th><th class="num">passed</th><th class="num">pass rate</th><th>history</th></tr></thead><tbody>
${evals.map(
  (one) =>
    html`<tr data-eval="${one.id}"><td class="num">${formatTime(one.startedAt)}</td><td><a href="/evals/${encodeURIComponent(one.id)}">${one.id.slice(0, 12)}</a></td><td>${one.suite}</td><td>${badge(one.status)}</td><td class="num">${one.passed}/${one.results}</td><td class="num">${one.results === 0 ? "-" : percent(one.passed / one.results)}</td><td><a href="/suites/${encodeURIComponent(one.suite)}">${one.suite} history</a></td></tr>`
)}
</tbody></table></div>`
}
<nav class="pager" aria-label="pages">${nextPage === null ? "" : html`<a href="${nextPage}" rel="next">Older evals →</a>`}</nav>
</main>`;
