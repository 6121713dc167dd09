// Our own request/response vocabulary: the engine never sees an SDK type.
import type { ModelParams, ModelRef } from "@consortium/config";

export interface ChatMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

export interface LlmRequest extends ModelRef, ModelParams {
  readonly messages: ReadonlyArray<ChatMessage>;
}

/**
 * Tokens of one call. `inputTokens` is everything the model read, prompt-cache reads and writes
 * included; the cache counts say how much of it was billed at the cache prices, and are present only
 * when the provider reported some.
 */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of inputTokens, read from the prompt cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens). */
  readonly cacheReadTokens?: number;
  /** Of inputTokens, written to the prompt cache (Anthropic cache_creation_input_tokens). */
  readonly cacheWriteTokens?: number;
}

export interface LlmResponse {
  readonly text: string;
  readonly usage: Usage;
}
