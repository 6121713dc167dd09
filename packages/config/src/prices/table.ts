import type { ModelPrice } from "../types.js";

// The built-in price list: data, not code. USD per million tokens. `cachedInput` is the price of
// input tokens read from the provider's prompt cache; `cacheWrite` (Anthropic) of input tokens
// written to it. Providers change prices without notice: check these against the pages named in
// `source` before trusting a budget, and override any of them per provider in a consortium or
// suite file (`providers.<name>.prices`).

export interface PriceList {
  /** The day these prices were last read. */
  readonly readAt: string;
  /** Where they were read from. */
  readonly source: string;
  /** Provider name → model id → price. Only the built-in providers have built-in prices. */
  readonly providers: Readonly<Record<string, Readonly<Record<string, ModelPrice>>>>;
}

export const BUILTIN_PRICES: PriceList = {
  readAt: "2026-11-30",
  source:
    "the providers' public pricing pages (https://openai.com/api/pricing, https://www.anthropic.com/pricing) " +
    "as known on 2026-11-30, written down without network access at the time: verify before relying on them",
  providers: {
    openai: {
      "gpt-5.4": { input: 1.75, output: 14, cachedInput: 0.175 },
      "gpt-5.4-mini": { input: 0.25, output: 2, cachedInput: 0.025 },
      "gpt-5.1": { input: 1.25, output: 10, cachedInput: 0.125 },
      "gpt-5.1-mini": { input: 0.25, output: 2, cachedInput: 0.025 },
      "gpt-5": { input: 1.25, output: 10, cachedInput: 0.125 },
      "gpt-5-mini": { input: 0.25, output: 2, cachedInput: 0.025 },
      "gpt-5-nano": { input: 0.05, output: 0.4, cachedInput: 0.005 },
      "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
      "gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
      "gpt-4.1-nano": { input: 0.1, output: 0.4, cachedInput: 0.025 },
      "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
      "gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
      o3: { input: 2, output: 8, cachedInput: 0.5 },
      "o3-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
      "o4-mini": { input: 1.1, output: 4.4, cachedInput: 0.275 }
    },
    anthropic: {
      "claude-opus-5": { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
      "claude-sonnet-5": { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      "claude-opus-4-5": { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
      "claude-opus-4-1": { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
      "claude-sonnet-4-5": { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      "claude-sonnet-4": { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      "claude-haiku-4-5": { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
      "claude-3-5-haiku": { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1 }
    }
  }
};
