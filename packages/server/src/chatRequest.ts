import type { Turn } from "@consortium/engine";
import { badRequest } from "./ApiError.js";

// A chat completion request, checked and reduced to what a consortium run takes: the prompt (the last
// user message), the conversation before it, and any system text. Request bodies come from anyone:
// every field is checked by hand, nothing is trusted to have the shape the types claim.

export interface ChatRequest {
  readonly model: string;
  readonly prompt: string;
  readonly history: ReadonlyArray<Turn>;
  /** System and developer messages, joined; added to the consortium's own system prompt. */
  readonly system: string | undefined;
  readonly stream: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A message's text: a string, or the text parts of a content array (images and audio are refused). */
const textOf = (content: unknown, index: number): string => {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) {
    return content
      .map((part, p) => {
        if (isRecord(part) && part.type === "text" && typeof part.text === "string") return part.text;
        const kind = isRecord(part) && typeof part.type === "string" ? part.type : typeof part;
        throw badRequest(`messages[${index}].content[${p}]: only text parts are supported, got ${kind}`, "messages");
      })
      .join("");
  }
  throw badRequest(`messages[${index}].content must be a string or an array of text parts`, "messages");
};

/**
 * Parameters a consortium cannot honour are refused rather than silently dropped: a client asking for
 * several choices, tool calls or log-probabilities would misread an answer without them.
 */
const refuse = (body: Record<string, unknown>): void => {
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw badRequest("n: a consortium gives one answer; only n = 1 is supported", "n");
  }
  for (const key of ["tools", "functions"]) {
    const value = body[key];
    if (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null) {
      throw badRequest(`${key}: a consortium does not call tools`, key);
    }
  }
  for (const key of ["tool_choice", "function_call"]) {
    const value = body[key];
    if (value !== undefined && value !== null && value !== "none" && value !== "auto") {
      throw badRequest(`${key}: a consortium does not call tools`, key);
    }
  }
  if (body.logprobs === true || (body.top_logprobs !== undefined && body.top_logprobs !== null)) {
    throw badRequest("logprobs: a synthesis has no token log-probabilities", "logprobs");
  }
};

export const parseChatRequest = (raw: unknown): ChatRequest => {
  if (!isRecord(raw)) throw badRequest("the body must be a JSON object");
  if (typeof raw.model !== "string" || raw.model === "")
    throw badRequest("model: required, a consortium name", "model");
  if (!Array.isArray(raw.messages) || raw.messages.length === 0) {
    throw badRequest("messages: required, a non-empty array", "messages");
  }
  if (raw.stream !== undefined && raw.stream !== null && typeof raw.stream !== "boolean") {
    throw badRequest("stream must be a boolean", "stream");
  }
  refuse(raw);

  const system: Array<string> = [];
  const turns: Array<Turn> = [];
  raw.messages.forEach((message, index) => {
    if (!isRecord(message)) throw badRequest(`messages[${index}] must be an object`, "messages");
    const text = textOf(message.content, index);
    switch (message.role) {
      case "system":
      case "developer":
        if (text.trim() !== "") system.push(text);
        return;
      case "user":
      case "assistant":
        turns.push({ role: message.role, content: text });
        return;
      case "tool":
      case "function":
        throw badRequest(`messages[${index}]: a consortium does not call tools`, "messages");
      default:
        throw badRequest(`messages[${index}].role must be system, user or assistant`, "messages");
    }
  });
  const last = turns.findLastIndex((turn) => turn.role === "user");
  const prompt = last === -1 ? undefined : turns[last]?.content;
  if (prompt === undefined || prompt.trim() === "") {
    throw badRequest("messages: the last user message is the prompt and must not be empty", "messages");
  }
  return {
    model: raw.model,
    prompt,
    // assistant turns after the last user message have nothing to answer: left out
    history: turns.slice(0, last),
    system: system.length === 0 ? undefined : system.join("\n\n"),
    stream: raw.stream === true
  };
};

/** A body that is not JSON at all. */
export const parseJsonBody = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("the body is not valid JSON");
  }
};
