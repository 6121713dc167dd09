import type { TokenUsage } from "./types.js";

// Token sums in an eval report: input and output only (cache counts and cost are reported apart), so
// a sum never carries a field the report does not promise.

export const NO_TOKENS: TokenUsage = { inputTokens: 0, outputTokens: 0 };

export const addTokens = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens
});
