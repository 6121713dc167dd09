import { formatConfidence, formatCost, formatCount } from "@consortium/engine/text";
import type { CallFacts, DecisionFacts, LinePart, RunDiff } from "../diff/diffRuns.js";
import { type Html, html } from "../html/escape.js";
import { badge, duration } from "./format.js";

// The diff of two runs as a page: the same data as `consortium diff --json`, members that changed
// highlighted and opened, the others folded.

const change = (a: string, b: string): Html | string => (a === b ? a : html`<del>${a}</del> → <ins>${b}</ins>`);

const lineBlock = (parts: ReadonlyArray<LinePart>): Html =>
  html`<div class="diff">${parts.map((part) => html`<span class="${part.kind}">${part.kind === "add" ? "+ " : part.kind === "del" ? "- " : "  "}${part.text}</span>`)}</div>`;

const facts = (f: CallFacts | null): string =>
  f === null
    ? "-"
    : `${formatCount(f.inputTokens)}/${formatCount(f.outputTokens)} tok · ${duration(f.latencyMs)} · ${f.attempts} att${f.error === null ? "" : ` · ${f.error}`}`;

const decision = (d: DecisionFacts | null): string =>
  d === null ? "no decision" : `confidence ${formatConfidence(d.confidence)}${d.stop === null ? "" : ` · ${d.stop}`}`;

export const renderDiffMain = (diff: RunDiff, runUrl: (id: string) => string): Html => {
  const { a, b } = diff;
  return html`<main>
<h1>Diff of two runs</h1>
<dl class="meta">
<dt>a</dt><dd><a href="${runUrl(a.id)}">${a.id}</a> ${a.consortium} ${badge(a.status)}</dd>
<dt>b</dt><dd><a href="${runUrl(b.id)}">${b.id}</a> ${b.consortium} ${badge(b.status)}</dd>
${diff.samePrompt ? "" : html`<dt>note</dt><dd class="error">the two runs answered different prompts</dd>`}
<dt>rounds</dt><dd>${change(String(a.iterations), String(b.iterations))}</dd>
<dt>tokens</dt><dd>${change(`${formatCount(a.inputTokens)} in / ${formatCount(a.outputTokens)} out`, `${formatCount(b.inputTokens)} in / ${formatCount(b.outputTokens)} out`)}</dd>
<dt>cost</dt><dd>${change(formatCost(a.costUsd), formatCost(b.costUsd))}</dd>
<dt>time</dt><dd>${change(duration(a.durationMs), duration(b.durationMs))}</dd>
<dt>confidence</dt><dd>${change(formatConfidence(a.confidence), formatConfidence(b.confidence))}</dd>
</dl>
<h2>Config</h2>
${
  diff.config.length === 0
    ? html`<p class="muted">Same configuration.</p>`
    : html`<div class="scroll"><table id="config-diff"><thead><tr><th>key</th><th>a</th><th>b</th></tr></thead><tbody>${diff.config.map((c) => html`<tr><td>${c.path}</td><td>${c.present === "b" ? "(absent)" : JSON.stringify(c.a)}</td><td>${c.present === "a" ? "(absent)" : JSON.stringify(c.b)}</td></tr>`)}</tbody></table></div>`
}
${diff.rounds.map(
  (round) => html`<section class="round" id="diff-round-${round.index}"><h2>Round ${round.index}</h2>
${round.members.map(
  (
    member
  ) => html`<details class="card member-diff${member.change === "same" ? "" : " changed"}" data-member="${member.member}" data-change="${member.change}"${member.change === "same" ? "" : html` open`}>
<summary><strong>${member.member}</strong> ${badge(member.change, member.change === "same" ? "completed" : "degraded")}</summary>
<div class="stats"><span>a: ${facts(member.a)}</span><span>b: ${facts(member.b)}</span></div>
${lineBlock(member.lines)}</details>`
)}
<div class="arbiter" data-changed="${String(round.arbiter.changed)}"><h3>Arbiter</h3><p>${change(decision(round.arbiter.a), decision(round.arbiter.b))}</p></div>
</section>`
)}
<h2>Final answer</h2>
${diff.synthesis.changed ? lineBlock(diff.synthesis.lines) : html`<p class="muted">Same final answer.</p>`}
</main>`;
};
