import { nextId, splitForStream, toTurns } from "./text.js";
import type { Answer, ParsedRequest, Rendered, StreamFrames, Wire } from "./Wire.js";

// OpenAI chat completions: POST /v1/chat/completions, JSON or SSE chunks ending with `data: [DONE]`.

const parse = (body: Record<string, unknown>): ParsedRequest | string => {
  if (typeof body.model !== "string" || body.model.length === 0) return "you must provide a model parameter";
  if (!Array.isArray(body.messages)) return "'messages' is a required property";
  const turns = toTurns(body.messages);
  // Both "system" and the newer "developer" role carry instructions.
  const system = turns.filter((turn) => turn.role === "system" || turn.role === "developer");
  return {
    model: body.model,
    stream: body.stream === true,
    system: system.length === 0 ? undefined : system.map((turn) => turn.content).join("\n"),
    messages: turns.filter((turn) => turn.role !== "system" && turn.role !== "developer")
  };
};

const usageOf = (answer: Answer) => ({
  prompt_tokens: answer.inputTokens,
  completion_tokens: answer.outputTokens,
  total_tokens: answer.inputTokens + answer.outputTokens,
  ...(answer.cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: answer.cachedTokens } } : {})
});

const json = (answer: Answer): string =>
  JSON.stringify({
    id: nextId("chatcmpl-"),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answer.text, refusal: null },
        logprobs: null,
        finish_reason: answer.stopReason ?? "stop"
      }
    ],
    usage: usageOf(answer)
  });

const streamFrames = (answer: Answer, pieces: ReadonlyArray<string>): StreamFrames => {
  const id = nextId("chatcmpl-");
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: answer.model, choices, ...extra })}\n\n`;
  const delta = (content: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: content, logprobs: null, finish_reason: finish }]);
  return {
    head: delta({ role: "assistant", content: "" }),
    pieces: pieces.map((piece) => delta({ content: piece })),
    // Usage always comes last with empty choices, as with stream_options.include_usage.
    tail: `${delta({}, answer.stopReason ?? "stop")}${chunk([], { usage: usageOf(answer) })}data: [DONE]\n\n`
  };
};

const sse = (answer: Answer): string => {
  const frames = streamFrames(answer, splitForStream(answer.text));
  return frames.head + frames.pieces.join("") + frames.tail;
};

const errorType = (status: number): { type: string; code: string | null } => {
  if (status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 403) return { type: "invalid_request_error", code: "unsupported_country_region_territory" };
  if (status === 404) return { type: "invalid_request_error", code: "model_not_found" };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
};

export const openaiWire: Wire = {
  protocol: "openai",
  parse,
  streamFrames,
  answer: (answer, stream): Rendered =>
    stream
      ? { contentType: "text/event-stream", payload: sse(answer) }
      : { contentType: "application/json", payload: json(answer) },
  error: (status, message) => JSON.stringify({ error: { message, ...errorType(status), param: null } })
};
