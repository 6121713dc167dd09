import { formatConfidence } from "@consortium/engine/text";
import { formatTime, runJson, type StoredCall, type StoredRun } from "@consortium/store";
import { type Html, html, jsonForScript, raw } from "../html/escape.js";
import { renderMarkdown } from "../html/markdown.js";
import { type PageMode, renderPage } from "../html/page.js";
import { type AnswerView, type DecisionView, type RoundView, roundsOf } from "../model/runView.js";
import { badge, cost, duration, tokens } from "./format.js";
import { renderTimeline } from "./timeline.js";

// One run: the prompt, the final answer, a waterfall of its calls, then every round with the answers
// side by side and what the arbiter made of them. Model text appears only as escaped text, except the
// final answer, which goes through the safe Markdown renderer.

/** A call's cost; "cost unknown" when it used tokens at no known price (or was recorded before costs were kept). */
const callCost = (call: StoredCall): string =>
  call.costUsd !== null ? cost(call.costUsd) : call.inputTokens > 0 || call.outputTokens > 0 ? "cost unknown" : cost(0);

const callStats = (call: StoredCall): Html =>
  html`<div class="stats"><span>${tokens(call.inputTokens, call.outputTokens)}</span><span>${callCost(call)}</span><span>${duration(call.latencyMs)}</span><span>${call.attempts} attempt${call.attempts === 1 ? "" : "s"}</span></div>`;

const callError = (call: StoredCall): Html | string =>
  call.error === null ? "" : html`<p class="error">${call.error.type}: ${call.error.message}</p>`;

/** Another run this one links to: a link in the viewer, the command that shows it in a file. */
const runRef = (id: string, mode: PageMode): Html =>
  mode === "server" ? html`<a href="/runs/${encodeURIComponent(id)}">${id}</a>` : html`${id} (consortium show ${id})`;

const answerCard = (answer: AnswerView, mode: PageMode): Html => {
  const { call } = answer;
  return html`<article class="card answer${call.error === null ? "" : " failed"}" data-member="${call.provider}/${call.model}#${call.instance}">
<h3>${answer.label === null ? "" : html`<span>${answer.label}</span>`}<span class="muted">${call.provider}/${call.model} #${call.instance}</span>${answer.role === null ? "" : badge(`role ${answer.role}`, "role")}${answer.layer === null ? "" : badge(`layer ${answer.layer}`, "layer")}</h3>
${callStats(call)}${callError(call)}${call.innerRunId === null ? "" : html`<p class="small">answered by run ${runRef(call.innerRunId, mode)}</p>`}
${call.text === null || call.text === "" ? html`<p class="muted">No answer.</p>` : html`<pre class="answer-text">${call.text}</pre>`}
</article>`;
};

const decisionBlock = (decision: DecisionView): Html => html`<dl class="meta">
<dt>confidence</dt><dd>${formatConfidence(decision.confidence)}${decision.parsed === false ? " (output could not be parsed: raw text taken as the synthesis)" : ""}</dd>
${decision.needsIteration === null ? "" : html`<dt>asks for another round</dt><dd>${decision.needsIteration ? "yes" : "no"}</dd>`}
${decision.stop === null ? "" : html`<dt>decision</dt><dd>${decision.stop}</dd>`}
${decision.dissent === null || decision.dissent === "" ? "" : html`<dt>dissent</dt><dd>${decision.dissent}</dd>`}
${decision.refinementAreas.length === 0 ? "" : html`<dt>refinement areas</dt><dd><ul>${decision.refinementAreas.map((area) => html`<li>${area}</li>`)}</ul></dd>`}
${decision.ranking.length === 0 ? "" : html`<dt>ranking</dt><dd><ol class="ranking">${decision.ranking.map((name) => html`<li>${name}</li>`)}</ol></dd>`}
</dl>
${decision.analysis === null || decision.analysis === "" ? "" : html`<details><summary>Analysis</summary><pre>${decision.analysis}</pre></details>`}
${decision.text === null ? "" : html`<details><summary>This round's synthesis</summary><pre>${decision.text}</pre></details>`}`;

const judgingCall = (call: StoredCall): Html =>
  html`<div class="judging-call"><span>${call.role} ${call.provider}/${call.model}${call.instance > 0 ? ` (fallback ${call.instance})` : ""}</span>${callStats(call)}${callError(call)}</div>`;

const roundSection = (
  round: RoundView,
  mode: PageMode
): Html => html`<section class="round" id="round-${round.index}" aria-labelledby="round-${round.index}-title">
<h2 id="round-${round.index}-title">Round ${round.index}</h2>
<div class="grid">${round.answers.map((answer) => answerCard(answer, mode))}</div>
<div class="arbiter"><h3>Judging</h3>${round.judging.map(judgingCall)}
${round.decision === null ? html`<p class="muted">No decision recorded for this round.</p>` : decisionBlock(round.decision)}</div>
</section>`;

const source = (run: StoredRun): string =>
  run.sourceFile === null
    ? "(built in code)"
    : `${run.sourceFile}${run.gitCommit === null ? "" : ` @ ${run.gitCommit.slice(0, 12)}${run.gitDirty === true ? " (modified)" : ""}`}`;

export interface RunPageOptions {
  readonly mode: PageMode;
  /** Server mode: where the page polls while the run is going. */
  readonly liveUrl?: string;
  /** Server mode: links to the JSON and to a diff against another run. */
  readonly links?: Html;
}

/** What changes while a run is recording: the poller swaps the page when this does. */
export const runVersion = (run: StoredRun): string => `${run.status}:${run.calls.length}`;

export const renderRunMain = (run: StoredRun, options: RunPageOptions): Html => {
  const live = options.mode === "server" && run.status === "running" && options.liveUrl !== undefined;
  const failedCalls = run.calls.filter((call) => call.error !== null).length;
  return html`<main${live ? html` data-live="${options.liveUrl ?? ""}"` : ""} data-version="${runVersion(run)}">
<h1>Run <span class="mono">${run.id}</span> ${badge(run.status)}</h1>
<p class="toolbar"><button type="button" data-copy="run-json">Copy as JSON</button> ${options.links ?? ""}</p>
<dl class="meta">
<dt>consortium</dt><dd>${run.consortium}</dd>
${run.outerRunId === null ? "" : html`<dt>included by</dt><dd>member of run ${runRef(run.outerRunId, options.mode)}</dd>`}
<dt>config</dt><dd>sha256:${run.configHash.slice(0, 16)} ${source(run)}</dd>
<dt>started</dt><dd>${formatTime(run.startedAt)} UTC${run.endedAt === null ? "" : ` · ended ${formatTime(run.endedAt)} UTC`}</dd>
<dt>totals</dt><dd>${run.iterations} round${run.iterations === 1 ? "" : "s"} · ${tokens(run.inputTokens, run.outputTokens)} · ${cost(run.costUsd)}${run.status === "running" && run.costUsd !== null ? " so far" : ""}${run.costComplete === false ? " (incomplete: some calls had no price)" : ""} · ${run.durationMs === null ? "not ended" : duration(run.durationMs)} · ${run.calls.length} calls${failedCalls > 0 ? `, ${failedCalls} failed` : ""}</dd>
${run.error === null ? "" : html`<dt>error</dt><dd class="error">${run.error}</dd>`}
${(run.result?.warnings ?? []).map((warning) => html`<dt>warning</dt><dd>${warning}</dd>`)}
</dl>
<h2>Prompt</h2>
<pre class="prompt">${run.prompt}</pre>
<h2>Final answer${run.confidence === null ? "" : ` (confidence ${formatConfidence(run.confidence)})`}</h2>
${run.synthesis === null ? html`<p class="muted">No synthesis${run.status === "running" ? " yet" : ""}.</p>` : html`<div class="markdown card" id="final-answer">${raw(renderMarkdown(run.synthesis))}</div>`}
<h2>Timeline</h2>
${renderTimeline(run.calls)}
${roundsOf(run).map((round) => roundSection(round, options.mode))}
<script type="application/json" id="run-json">${raw(jsonForScript(runJson(run)))}</script>
</main>`;
};

export const renderRunPage = (run: StoredRun, options: RunPageOptions & { readonly nav?: Html }): string =>
  renderPage({
    title: `Run ${run.id} · ${run.consortium}`,
    mode: options.mode,
    body: renderRunMain(run, options),
    ...(options.nav === undefined ? {} : { nav: options.nav })
  });
