import type OpenAI from "openai";
import type { LlmRequest, LlmResponse } from "./types.js";

// Our request → chat completions body, and a completion → our response. Pure, so the mapping is
// tested without a server.

/**
 * OpenAI deprecated `max_tokens` for `max_completion_tokens`, and its reasoning models reject the old
 * name; but the OpenAI-compatible servers people point custom providers at (Ollama, vLLM, LM Studio,
 * older proxies) only know `max_tokens`. So the built-in provider gets the new name, custom ones the old.
 */
export type TokenLimitParam = "max_tokens" | "max_completion_tokens";

export const toOpenAiBody = (
  request: LlmRequest,
  tokenLimit: TokenLimitParam
): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming => {
  const messages: Array<OpenAI.Chat.ChatCompletionMessageParam> = [];
  if (request.system !== undefined) messages.push({ role: "system", content: request.system });
  for (const message of request.messages) messages.push({ role: message.role, content: message.content });
  const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = { model: request.model, messages };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body[tokenLimit] = request.maxTokens;
  return body;
};

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** The first choice's text and the usage; a string says why the body is not a usable completion. */
export const fromOpenAiCompletion = (raw: unknown): LlmResponse | string => {
  if (raw === null || typeof raw !== "object") return `expected a JSON object, got ${typeof raw}`;
  const { choices, usage } = raw as {
    choices?: unknown;
    usage?: {
      prompt_tokens?: unknown;
      completion_tokens?: unknown;
      prompt_tokens_details?: { cached_tokens?: unknown } | null;
    };
  };
  if (!Array.isArray(choices) || choices.length === 0) return "no choices in the completion";
  const choice = choices[0] as { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown };
  // A refusal is still the model's answer; the arbiter should see it rather than a failure.
  const content = choice?.message?.content ?? choice?.message?.refusal;
  if (typeof content !== "string") return "the first choice has no message content";
  if (content.trim() === "") return `empty answer (finish_reason: ${String(choice.finish_reason ?? "none")})`;
  // prompt_tokens includes the cached ones; they are reported apart because they cost less.
  const cached = count(usage?.prompt_tokens_details?.cached_tokens);
  return {
    text: content,
    usage: {
      inputTokens: count(usage?.prompt_tokens),
      outputTokens: count(usage?.completion_tokens),
      ...(cached > 0 ? { cacheReadTokens: cached } : {})
    }
  };
};
