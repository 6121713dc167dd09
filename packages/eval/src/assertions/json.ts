import { messageOf } from "@consortium/config/messageOf";

// Models often wrap JSON in a Markdown fence even when told not to; a fence around the WHOLE output
// is accepted, anything else around the JSON is not (that would hide a real formatting failure).
const WHOLE_FENCE = /^```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/;

export type JsonParse =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

export const parseJsonOutput = (output: string): JsonParse => {
  const trimmed = output.trim();
  const body = WHOLE_FENCE.exec(trimmed)?.[1] ?? trimmed;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
};
