import type { StoredCall } from "@consortium/store";
import { type Html, html } from "../html/escape.js";
import { duration } from "./format.js";

// The waterfall of a run's calls as inline SVG: one bar per call from its start to its end, failed
// calls in red, calls that needed retries marked. SVG geometry is attributes, so the strict
// Content-Security-Policy (no inline style attributes) still holds.

const ROW = 20;
const LABEL_WIDTH = 300;
const WIDTH = 1000;

const labelOf = (call: StoredCall): string =>
  `R${call.iteration} ${call.role} ${call.provider}/${call.model}${call.role === "member" ? ` #${call.instance}` : ""}`;

export const renderTimeline = (calls: ReadonlyArray<StoredCall>): Html => {
  if (calls.length === 0) return html`<p class="muted">No calls recorded yet.</p>`;
  const starts = calls.map((call) => Date.parse(call.startedAt));
  const ends = calls.map((call) => Date.parse(call.endedAt));
  const origin = Math.min(...starts);
  const span = Math.max(1, Math.max(...ends) - origin);
  const scale = (WIDTH - LABEL_WIDTH - 10) / span;
  const height = calls.length * ROW + 24;
  const rows = calls.map((call, index) => {
    const y = index * ROW;
    const x = LABEL_WIDTH + (starts[index]! - origin) * scale;
    const width = Math.max(2, (ends[index]! - starts[index]!) * scale);
    const retried = call.attempts > 1;
    const summary = `${labelOf(call)}: ${duration(call.latencyMs)}, ${call.attempts} attempt${call.attempts === 1 ? "" : "s"}${call.error === null ? "" : `, failed: ${call.error.type}`}`;
    return html`<g><title>${summary}</title>
<text x="4" y="${y + 14}">${labelOf(call).slice(0, 44)}</text>
<rect class="bar${call.error === null ? "" : " failed"}" x="${x.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW - 8}" rx="2"></rect>
${retried ? html`<rect class="wait" x="${x.toFixed(1)}" y="${y + 4}" width="${Math.min(width, 6).toFixed(1)}" height="${ROW - 8}"></rect>` : ""}
<text x="${Math.min(WIDTH - 60, x + width + 4).toFixed(1)}" y="${y + 14}">${duration(call.latencyMs)}${retried ? ` ×${call.attempts}` : ""}</text></g>`;
  });
  return html`<div class="scroll"><svg role="img" aria-label="Timeline of ${calls.length} calls over ${duration(span)}" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
${rows}
<line class="axis" x1="${LABEL_WIDTH}" y1="${height - 18}" x2="${WIDTH - 10}" y2="${height - 18}"></line>
<text x="${LABEL_WIDTH}" y="${height - 4}">0</text><text x="${WIDTH - 60}" y="${height - 4}">${duration(span)}</text>
</svg></div>
<p class="small muted">Bars run from a call's start to its end; a marked start (×N) means it took N attempts (retries and their waits are inside the bar); red bars failed.</p>`;
};
