import type { ChatTurn } from "../types.js";

// Helpers shared by both wire formats.

/** Rough but deterministic: about four characters a token, at least one for any text. */
export const estimateTokens = (text: string): number => (text.length === 0 ? 0 : Math.ceil(text.length / 4));

/** Message content is a string or an array of typed parts in both protocols; keep the text parts. */
export const flattenContent = (content: unknown): string => {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (part !== null && typeof part === "object" && typeof (part as { text?: unknown }).text === "string") {
      text += (part as { text: string }).text;
    }
  }
  return text;
};

export const toTurns = (messages: unknown): Array<ChatTurn> =>
  Array.isArray(messages)
    ? messages.map((message) => ({
        role: String((message as { role?: unknown })?.role ?? ""),
        content: flattenContent((message as { content?: unknown })?.content)
      }))
    : [];

/** Splits a text into at most `parts` pieces at spaces, so streams carry several deltas. */
export const splitForStream = (text: string, parts = 3): Array<string> => {
  if (text.length === 0) return [""];
  const size = Math.ceil(text.length / parts);
  const pieces: Array<string> = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
};

let counter = 0;
/** Unique enough ids for responses (`chatcmpl-…`, `msg_…`). */
export const nextId = (prefix: string): string => `${prefix}${(++counter).toString(36).padStart(8, "0")}`;
