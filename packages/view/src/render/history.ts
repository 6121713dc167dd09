import { type EvalSummary, formatTime } from "@consortium/store";
import { type Html, html } from "../html/escape.js";
import { percent } from "./format.js";

// A suite's pass rate over its evals, oldest to newest, as an inline SVG line chart with a table
// beside it (the numbers for screen readers and for copying).

const WIDTH = 800;
const HEIGHT = 220;
const PAD = 36;

export const renderHistoryMain = (suite: string, newestFirst: ReadonlyArray<EvalSummary>): Html => {
  const evals = [...newestFirst].reverse().filter((one) => one.results > 0);
  const rate = (one: EvalSummary) => one.passed / one.results;
  const x = (index: number) =>
    PAD + (evals.length <= 1 ? (WIDTH - 2 * PAD) / 2 : (index * (WIDTH - 2 * PAD)) / (evals.length - 1));
  const y = (value: number) => HEIGHT - PAD - value * (HEIGHT - 2 * PAD);
  const points = evals.map((one, index) => `${x(index).toFixed(1)},${y(rate(one)).toFixed(1)}`).join(" ");
  return html`<main>
<h1>Suite ${suite}: pass rate over its evals</h1>
${
  evals.length === 0
    ? html`<p class="muted">No finished results for this suite yet.</p>`
    : html`<div class="scroll"><svg id="history" role="img" aria-label="Pass rate of ${evals.length} evals of ${suite}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%">
<line class="axis" x1="${PAD}" y1="${y(0)}" x2="${WIDTH - PAD}" y2="${y(0)}"></line>
<line class="axis" x1="${PAD}" y1="${y(1)}" x2="${WIDTH - PAD}" y2="${y(1)}"></line>
<text x="2" y="${y(1) + 4}">100%</text><text x="10" y="${y(0) + 4}">0%</text>
<polyline class="line" points="${points}"></polyline>
${evals.map((one, index) => html`<a href="/evals/${encodeURIComponent(one.id)}"><circle class="dot" cx="${x(index).toFixed(1)}" cy="${y(rate(one)).toFixed(1)}" r="5"><title>${formatTime(one.startedAt)}: ${percent(rate(one))} (${one.passed}/${one.results})</title></circle></a>`)}
</svg></div>`
}
<div class="scroll"><table><thead><tr><th>started (UTC)</th><th>eval</th><th class="num">passed</th><th class="num">pass rate</th></tr></thead><tbody>
${newestFirst.map((one) => html`<tr><td class="num">${formatTime(one.startedAt)}</td><td><a href="/evals/${encodeURIComponent(one.id)}">${one.id}</a></td><td class="num">${one.passed}/${one.results}</td><td class="num">${one.results === 0 ? "-" : percent(one.passed / one.results)}</td></tr>`)}
</tbody></table></div>
</main>`;
};
