import Anthropic from "@anthropic-ai/sdk";
import { startFakeLlm } from "@consortium/testkit";
import { afterAll, describe, expect, it } from "@effect/vitest";
import OpenAI from "openai";

// The fake server's streams are only useful if the official SDKs read them as they read the real
// thing; the SDKs live here, so this is where that is proven.

const fake = await startFakeLlm({
  scripts: {
    "gpt-s": { text: "streamed through the fake", usage: { input: 8, output: 5 } },
    "claude-s": { text: "streamed through the fake", usage: { input: 9, output: 6 } }
  }
});
afterAll(() => fake.close());

describe("the fake server speaks the SDKs' streaming protocols", () => {
  it("OpenAI: chunks, finish_reason and usage", async () => {
    const client = new OpenAI({ apiKey: "k", baseURL: fake.openaiBaseUrl, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "gpt-s",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true }
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason;
      usage ??= chunk.usage;
    }
    expect(text).toBe("streamed through the fake");
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 5 });
  });

  it("Anthropic: the event sequence assembles into the final message", async () => {
    const client = new Anthropic({ apiKey: "k", baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
    const stream = client.messages.stream({
      model: "claude-s",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }]
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: "streamed through the fake" })]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 6 });
  });

  it("both SDKs parse the fake's error bodies into their own error classes", async () => {
    fake.script("gpt-e", { fault: { type: "status", status: 429, message: "slow down" } });
    fake.script("claude-e", { fault: { type: "status", status: 529, message: "Overloaded" } });
    const openai = new OpenAI({ apiKey: "k", baseURL: fake.openaiBaseUrl, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: "k", baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
    const openaiError = await openai.chat.completions
      .create({ model: "gpt-e", messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(openaiError).toBeInstanceOf(OpenAI.RateLimitError);
    expect(openaiError).toMatchObject({ status: 429, code: "rate_limit_exceeded", message: "429 slow down" });
    const anthropicError = await anthropic.messages
      .create({ model: "claude-e", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    expect(anthropicError).toMatchObject({ status: 529, type: "overloaded_error" });
  });
});
