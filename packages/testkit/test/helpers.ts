import type { FakeLlm } from "../src/index.js";

export const post = (fake: FakeLlm, path: string, body: unknown, init: RequestInit = {}): Promise<Response> =>
  fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-key" },
    body: JSON.stringify(body),
    ...init
  });

export const openaiBody = (model: string, text = "hello", extra: Record<string, unknown> = {}) => ({
  model,
  messages: [
    { role: "system", content: "be brief" },
    { role: "user", content: text }
  ],
  ...extra
});

export const anthropicBody = (model: string, text = "hello", extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 100,
  system: "be brief",
  messages: [{ role: "user", content: [{ type: "text", text }] }],
  ...extra
});

/** Splits an SSE payload into its events: `event:` name (if any) and parsed `data:`. */
export const sseEvents = (payload: string): Array<{ event: string | undefined; data: string }> =>
  payload
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      return { event, data };
    });
