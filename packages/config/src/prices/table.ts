import type { ModelPrice } from "../types.js";

// The built-in price list: data, not code. USD per million tokens. `cachedInput` is the price of
// input tokens read from the provider's prompt cache; `cacheWrite` (Anthropic) of input tokens
// written to it. Providers change prices without notice, and this list was written down without
// network access: each entry says how it got here (`ORIGINS`). Check them against the providers'
// pages before trusting a budget, and override any of them per provider in a consortium or suite
// file (`providers.<name>.prices`).

/** How one built-in price came to be in the list. */
export interface PriceOrigin {
  /** "recalled": the provider's published price, written from memory, not re-read from the page.
   *  "assumed": no published price was at hand; a placeholder (the nearest known model's price). */
  readonly basis: "recalled" | "assumed";
  /** The month the published price is remembered from (YYYY-MM); for an assumed one, the month it was assumed. */
  readonly asOf: string;
  /** Where the price should be checked. */
  readonly source: string;
}

export interface PriceList {
  /** The day this list was written down (not a day its prices were read: see `origins`). */
  readonly writtenAt: string;
  /** Where every price should be checked. */
  readonly source: string;
  /** Provider name → model id → price. Only the built-in providers have built-in prices. */
  readonly providers: Readonly<Record<string, Readonly<Record<string, ModelPrice>>>>;
  /** Provider name → model id → how that price got here: one for every price above. */
  readonly origins: Readonly<Record<string, Readonly<Record<string, PriceOrigin>>>>;
}

const OPENAI_PAGE = "https://openai.com/api/pricing";
const ANTHROPIC_PAGE = "https://www.anthropic.com/pricing";

const recalled = (asOf: string, source: string): PriceOrigin => ({ basis: "recalled", asOf, source });
const assumed = (like: string, source: string): PriceOrigin => ({
  basis: "assumed",
  asOf: "2026-11",
  source: `${source} (no published price was at hand: ${like} stands in until checked)`
});

export const BUILTIN_PRICES: PriceList = {
  writtenAt: "2026-11-30",
  source:
    `the providers' public pricing pages (${OPENAI_PAGE}, ${ANTHROPIC_PAGE}), written down from memory ` +
    "without network access: verify before relying on them",
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
  },
  origins: {
    openai: {
      "gpt-5.4": assumed("a guess above gpt-5.1", OPENAI_PAGE),
      "gpt-5.4-mini": assumed("gpt-5-mini's price", OPENAI_PAGE),
      "gpt-5.1": recalled("2025-11", OPENAI_PAGE),
      "gpt-5.1-mini": assumed("gpt-5-mini's price", OPENAI_PAGE),
      "gpt-5": recalled("2025-08", OPENAI_PAGE),
      "gpt-5-mini": recalled("2025-08", OPENAI_PAGE),
      "gpt-5-nano": recalled("2025-08", OPENAI_PAGE),
      "gpt-4.1": recalled("2025-04", OPENAI_PAGE),
      "gpt-4.1-mini": recalled("2025-04", OPENAI_PAGE),
      "gpt-4.1-nano": recalled("2025-04", OPENAI_PAGE),
      "gpt-4o": recalled("2024-10", OPENAI_PAGE),
      "gpt-4o-mini": recalled("2024-07", OPENAI_PAGE),
      o3: recalled("2025-06", OPENAI_PAGE),
      "o3-mini": recalled("2025-01", OPENAI_PAGE),
      "o4-mini": recalled("2025-04", OPENAI_PAGE)
    },
    anthropic: {
      "claude-opus-5": assumed("claude-opus-4-5's price", ANTHROPIC_PAGE),
      "claude-sonnet-5": assumed("claude-sonnet-4-5's price", ANTHROPIC_PAGE),
      "claude-opus-4-5": recalled("2025-11", ANTHROPIC_PAGE),
      "claude-opus-4-1": recalled("2025-08", ANTHROPIC_PAGE),
      "claude-sonnet-4-5": recalled("2025-09", ANTHROPIC_PAGE),
      "claude-sonnet-4": recalled("2025-05", ANTHROPIC_PAGE),
      "claude-haiku-4-5": recalled("2025-10", ANTHROPIC_PAGE),
      "claude-3-5-haiku": recalled("2024-11", ANTHROPIC_PAGE)
    }
  }
};
