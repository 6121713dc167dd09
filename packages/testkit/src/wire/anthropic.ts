import { flattenContent, nextId, splitForStream, toTurns } from "./text.js";
import type { Answer, ParsedRequest, Rendered, StreamFrames, Wire } from "./Wire.js";

// Anthropic messages: POST /v1/messages, JSON or the SSE event sequence message_start,
// content_block_start, content_block_delta..., content_block_stop, message_delta, message_stop.

const parse = (body: Record<string, unknown>): ParsedRequest | string => {
  if (typeof body.model !== "string" || body.model.length === 0) return "model: Field required";
  if (typeof body.max_tokens !== "number") return "max_tokens: Field required";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  const system = body.system === undefined ? undefined : flattenContent(body.system);
  return { model: body.model, stream: body.stream === true, system, messages: toTurns(body.messages) };
};

const message = (answer: Answer, id: string, content: ReadonlyArray<unknown>, usage: Record<string, number>) => ({
  id,
  type: "message",
  role: "assistant",
  model: answer.model,
  content,
  stop_reason: content.length === 0 ? null : (answer.stopReason ?? "end_turn"),
  stop_sequence: null,
  usage
});

/** Anthropic counts cache reads and writes apart from input_tokens. */
const inputUsage = (answer: Answer): Record<string, number> => ({
  input_tokens: answer.inputTokens - answer.cachedTokens - answer.cacheWriteTokens,
  ...(answer.cachedTokens > 0 ? { cache_read_input_tokens: answer.cachedTokens } : {}),
  ...(answer.cacheWriteTokens > 0 ? { cache_creation_input_tokens: answer.cacheWriteTokens } : {})
});

const json = (answer: Answer): string =>
  JSON.stringify(
    message(answer, nextId("msg_"), [{ type: "text", text: answer.text }], {
      ...inputUsage(answer),
      output_tokens: answer.outputTokens
    })
  );

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

const streamFrames = (answer: Answer, pieces: ReadonlyArray<string>): StreamFrames => {
  const start = message(answer, nextId("msg_"), [], { ...inputUsage(answer), output_tokens: 1 });
  const head =
    event("message_start", { type: "message_start", message: start }) +
    event("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
  const tail =
    event("content_block_stop", { type: "content_block_stop", index: 0 }) +
    event("message_delta", {
      type: "message_delta",
      delta: { stop_reason: answer.stopReason ?? "end_turn", stop_sequence: null },
      usage: { output_tokens: answer.outputTokens }
    }) +
    event("message_stop", { type: "message_stop" });
  return {
    head,
    pieces: pieces.map((piece) =>
      event("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: piece }
      })
    ),
    tail
  };
};

const sse = (answer: Answer): string => {
  const frames = streamFrames(answer, splitForStream(answer.text));
  return frames.head + frames.pieces.join("") + frames.tail;
};

const errorType = (status: number): string => {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
};

export const anthropicWire: Wire = {
  protocol: "anthropic",
  parse,
  streamFrames,
  answer: (answer, stream): Rendered =>
    stream
      ? { contentType: "text/event-stream", payload: sse(answer) }
      : { contentType: "application/json", payload: json(answer) },
  error: (status, message) =>
    JSON.stringify({ type: "error", error: { type: errorType(status), message }, request_id: nextId("req_") })
};
