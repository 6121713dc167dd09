import type Anthropic from "@anthropic-ai/sdk";
import type { LlmRequest, LlmResponse } from "./types.js";

// Our request → messages body, and a message → our response. Pure, so the mapping is tested without
// a server.

/** The messages API requires max_tokens; this is the budget when the config names none. */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * API version 2026-10-21 (what this SDK sends) removed temperature and top_p: sending either is a 400
 * on every model, and the SDK types dropped them. Anthropic's migration guide says a request that
 * truly depends on them stays on 2023-06-01. A consortium file that sets them means it, so such a
 * request carries that version (models that only take default sampling still refuse, with the API's
 * own message); every other request uses the SDK's current version.
 */
export const SAMPLING_API_VERSION = "2023-06-01";

export type AnthropicBody = Anthropic.MessageCreateParamsNonStreaming & {
  temperature?: number;
  top_p?: number;
};

/** Extra headers this request needs: the version pin when it carries sampling parameters. */
export const anthropicHeaders = (request: LlmRequest): Record<string, string> | undefined =>
  request.temperature !== undefined || request.topP !== undefined
    ? { "anthropic-version": SAMPLING_API_VERSION }
    : undefined;

export const toAnthropicBody = (request: LlmRequest): AnthropicBody => {
  const body: AnthropicBody = {
    model: request.model,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content }))
  };
  if (request.system !== undefined) body.system = request.system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  return body;
};

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** The text blocks joined, and the usage; a string says why the body is not a usable message. */
export const fromAnthropicMessage = (raw: unknown): LlmResponse | string => {
  if (raw === null || typeof raw !== "object") return `expected a JSON object, got ${typeof raw}`;
  const { content, usage, stop_reason } = raw as {
    content?: unknown;
    stop_reason?: unknown;
    usage?: Record<string, unknown>;
  };
  if (!Array.isArray(content)) return "no content in the message";
  // Thinking and tool blocks are not part of the answer.
  let text = "";
  for (const block of content) {
    if ((block as { type?: unknown })?.type === "text" && typeof (block as { text?: unknown }).text === "string") {
      text += (block as { text: string }).text;
    }
  }
  if (text.trim() === "") return `empty answer (stop_reason: ${String(stop_reason ?? "none")})`;
  const cacheRead = count(usage?.cache_read_input_tokens);
  const cacheWrite = count(usage?.cache_creation_input_tokens);
  return {
    text,
    usage: {
      // input_tokens excludes prompt-cache reads and writes; the total is what was processed, and the
      // cache counts stay apart because they are priced differently.
      inputTokens: count(usage?.input_tokens) + cacheWrite + cacheRead,
      outputTokens: count(usage?.output_tokens),
      ...(cacheRead > 0 ? { cacheReadTokens: cacheRead } : {}),
      ...(cacheWrite > 0 ? { cacheWriteTokens: cacheWrite } : {})
    }
  };
};
