import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLlm } from "../src/index.js";
import { anthropicBody, openaiBody, post, sseEvents } from "./helpers.js";

const fake = await startFakeLlm();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe("OpenAI chat completions", () => {
  it("answers JSON with the scripted text and usage, and records what was sent", async () => {
    fake.script("gpt-test", { text: "Canberra.", usage: { input: 11, output: 3 } });
    const res = await post(fake, "/v1/chat/completions", openaiBody("gpt-test", "capital of Australia?"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      object: string;
      model: string;
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("gpt-test");
    expect(body.choices[0]?.message).toMatchObject({ role: "assistant", content: "Canberra." });
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(body.usage).toEqual({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });

    const [request] = fake.requests;
    expect(request).toMatchObject({
      seq: 1,
      index: 0,
      protocol: "openai",
      model: "gpt-test",
      stream: false,
      system: "be brief",
      messages: [{ role: "user", content: "capital of Australia?" }],
      outcome: "answered",
      aborted: false,
      status: 200
    });
    expect(request?.headers.authorization).toBe("Bearer test-key");
    expect(request?.endedAt).toBeGreaterThanOrEqual(request?.startedAt ?? Number.POSITIVE_INFINITY);
  });

  it("echoes a deterministic default answer with usage derived from the text", async () => {
    const res = await post(fake, "/v1/chat/completions", openaiBody("unscripted", "what is 2+2?"));
    const body = (await res.json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const text = body.choices[0]?.message.content ?? "";
    expect(text).toBe("Fake answer from unscripted: what is 2+2?");
    expect(body.usage.completion_tokens).toBe(Math.ceil(text.length / 4));
    // "be brief" (2) + "what is 2+2?" (3)
    expect(body.usage.prompt_tokens).toBe(5);
  });

  it("streams chunks ending with usage and [DONE]", async () => {
    fake.script("gpt-stream", { text: "one two three four five", usage: { input: 7, output: 5 } });
    const res = await post(fake, "/v1/chat/completions", openaiBody("gpt-stream", "count", { stream: true }));
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = sseEvents(await res.text());
    expect(events.at(-1)?.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("");
    expect(text).toBe("one two three four five");
    expect(chunks.filter((chunk) => (chunk.choices[0]?.delta?.content ?? "") !== "").length).toBeGreaterThan(1);
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 5 } });
    expect(fake.requests[0]?.stream).toBe(true);
  });

  it("treats developer messages as the system prompt", async () => {
    await post(fake, "/v1/chat/completions", {
      model: "m",
      messages: [
        { role: "developer", content: "rules" },
        { role: "user", content: [{ type: "text", text: "hi" }] }
      ]
    });
    expect(fake.requests[0]).toMatchObject({ system: "rules", messages: [{ role: "user", content: "hi" }] });
  });
});

describe("Anthropic messages", () => {
  it("answers JSON with text content and usage", async () => {
    fake.script("claude-test", { text: "Canberra.", usage: { input: 9, output: 2 } });
    const res = await post(fake, "/v1/messages", anthropicBody("claude-test", "capital?"));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-test",
      content: [{ type: "text", text: "Canberra." }],
      stop_reason: "end_turn",
      usage: { input_tokens: 9, output_tokens: 2 }
    });
    expect(fake.requests[0]).toMatchObject({
      protocol: "anthropic",
      system: "be brief",
      messages: [{ role: "user", content: "capital?" }]
    });
  });

  it("streams the full event sequence with usage", async () => {
    fake.script("claude-stream", { text: "alpha beta gamma delta", usage: { input: 4, output: 6 } });
    const res = await post(fake, "/v1/messages", anthropicBody("claude-stream", "go", { stream: true }));
    const events = sseEvents(await res.text());
    const names = events.map((event) => event.event);
    expect(names[0]).toBe("message_start");
    expect(names[1]).toBe("content_block_start");
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(names.slice(2, -3).every((name) => name === "content_block_delta")).toBe(true);
    expect(names.length).toBeGreaterThan(6);
    const data = events.map((event) => JSON.parse(event.data));
    expect(data.every((item, i) => item.type === names[i])).toBe(true);
    expect(data[0].message.usage.input_tokens).toBe(4);
    const text = data
      .filter((item) => item.type === "content_block_delta")
      .map((item) => item.delta.text)
      .join("");
    expect(text).toBe("alpha beta gamma delta");
    expect(data.at(-2)).toMatchObject({ delta: { stop_reason: "end_turn" }, usage: { output_tokens: 6 } });
  });

  it("rejects a request without max_tokens in Anthropic's error shape", async () => {
    const res = await post(fake, "/v1/messages", { model: "claude-x", messages: [] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("routing", () => {
  it("answers 404 for unknown paths and 400 for non-JSON bodies", async () => {
    expect((await post(fake, "/v1/embeddings", {})).status).toBe(404);
    const res = await fetch(`${fake.openaiBaseUrl}/chat/completions`, { method: "POST", body: "not json" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("ignores query strings and exposes base URLs the SDKs expect", async () => {
    expect(fake.openaiBaseUrl).toBe(`${fake.url}/v1`);
    expect(fake.anthropicBaseUrl).toBe(fake.url);
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await post(fake, "/v1/messages?beta=true", anthropicBody("claude-q"));
    expect(res.status).toBe(200);
  });
});
