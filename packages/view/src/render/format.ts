import { formatCost, formatCostBound, formatCount, formatDuration, formatRate } from "@consortium/engine/text";
import { type Html, html } from "../html/escape.js";

// Small pieces of markup every page uses.

export const badge = (text: string, kind: string = text): Html => html`<span class="badge ${kind}">${text}</span>`;

export const tokens = (input: number | null, output: number | null): string =>
  input === null || output === null ? "-" : `${formatCount(input)} in / ${formatCount(output)} out`;

export const cost = (usd: number | null): string => formatCost(usd);

/** A cost some calls of which had no price: the priced part, marked as the lower bound it is. */
export const costBound = (usd: number | null, complete: boolean): string => formatCostBound(usd, complete);

export const duration = (ms: number | null): string => formatDuration(ms);

/** The same one-decimal percentage as the terminal report. */
export const percent = formatRate;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
