import { type ModelPrice, roundUsd } from "@consortium/config";
import type { Usage } from "./types.js";

// What one call cost, from its tokens and its model's price (USD per million tokens). Cache reads and
// writes are part of inputTokens and billed at their own prices when the price names one.

/** USD; null when the model has no price (never a silent 0). */
export const costOf = (usage: Usage, price: ModelPrice | undefined): number | null => {
  if (price === undefined) return null;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const plainInput = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const micro =
    plainInput * price.input +
    cacheRead * (price.cachedInput ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    usage.outputTokens * price.output;
  return roundUsd(micro / 1_000_000);
};

/** The most a call can cost: every prompt token uncached, every allowed output token written. */
export const maxCostOf = (price: ModelPrice, promptTokens: number, maxOutputTokens: number): number =>
  roundUsd((promptTokens * Math.max(price.input, price.cacheWrite ?? 0) + maxOutputTokens * price.output) / 1_000_000);
