import { describe, expect, it } from "@effect/vitest";
import { Redacted } from "effect";
import { oneLine } from "../src/classifyError.js";
import type { LlmRequest } from "../src/index.js";
import {
  anthropicHeaders,
  DEFAULT_MAX_TOKENS,
  formatDelay,
  fromAnthropicMessage,
  fromOpenAiCompletion,
  parseRetryAfter,
  toAnthropicBody,
  toOpenAiBody
} from "../src/index.js";

const request: LlmRequest = {
  provider: "openai",
  model: "gpt-x",
  system: "Be careful.",
  messages: [
    { role: "user", content: "Q1" },
    { role: "assistant", content: "A1" },
    { role: "user", content: "Q2" }
  ]
};

describe("OpenAI mapping", () => {
  it("puts the system prompt first and leaves unset parameters out", () => {
    expect(toOpenAiBody(request, "max_completion_tokens")).toEqual({
      model: "gpt-x",
      messages: [
        { role: "system", content: "Be careful." },
        { role: "user", content: "Q1" },
        { role: "assistant", content: "A1" },
        { role: "user", content: "Q2" }
      ]
    });
  });

  it("maps temperature, top_p and the token limit under the chosen name", () => {
    const tuned = { ...request, system: undefined, temperature: 0, topP: 0.9, maxTokens: 256 };
    expect(toOpenAiBody(tuned, "max_completion_tokens")).toMatchObject({
      temperature: 0,
      top_p: 0.9,
      max_completion_tokens: 256
    });
    const legacy = toOpenAiBody(tuned, "max_tokens");
    expect(legacy.max_tokens).toBe(256);
    expect(legacy).not.toHaveProperty("max_completion_tokens");
    expect(legacy.messages[0]?.role).toBe("user");
  });

  it("reads the first choice and the usage", () => {
    const completion = {
      choices: [{ message: { content: "Canberra." }, finish_reason: "stop" }],
      usage: { prompt_tokens: 12, completion_tokens: 3 }
    };
    expect(fromOpenAiCompletion(completion)).toEqual({
      text: "Canberra.",
      usage: { inputTokens: 12, outputTokens: 3 }
    });
  });

  it("counts missing usage as zero and takes a refusal as the answer", () => {
    expect(fromOpenAiCompletion({ choices: [{ message: { content: null, refusal: "I can't." } }] })).toEqual({
      text: "I can't.",
      usage: { inputTokens: 0, outputTokens: 0 }
    });
  });

  it("says why a body is not a usable completion", () => {
    expect(fromOpenAiCompletion("<html>")).toMatch(/expected a JSON object/);
    expect(fromOpenAiCompletion({})).toMatch(/no choices/);
    expect(fromOpenAiCompletion({ choices: [] })).toMatch(/no choices/);
    expect(fromOpenAiCompletion({ choices: [{ message: {} }] })).toMatch(/no message content/);
    expect(fromOpenAiCompletion({ choices: [{ message: { content: "  " }, finish_reason: "length" }] })).toBe(
      "empty answer (finish_reason: length)"
    );
  });
});

describe("Anthropic mapping", () => {
  it("sends system separately and the default max_tokens", () => {
    expect(toAnthropicBody(request)).toEqual({
      model: "gpt-x",
      max_tokens: DEFAULT_MAX_TOKENS,
      system: "Be careful.",
      messages: [
        { role: "user", content: "Q1" },
        { role: "assistant", content: "A1" },
        { role: "user", content: "Q2" }
      ]
    });
    expect(anthropicHeaders(request)).toBeUndefined();
  });

  it("pins the API version that still takes sampling parameters when they are set", () => {
    const tuned = { ...request, system: undefined, temperature: 0.2, maxTokens: 100 };
    expect(toAnthropicBody(tuned)).toEqual({
      model: "gpt-x",
      max_tokens: 100,
      temperature: 0.2,
      messages: toAnthropicBody(request).messages
    });
    expect(anthropicHeaders(tuned)).toEqual({ "anthropic-version": "2023-06-01" });
    expect(anthropicHeaders({ ...request, topP: 0.5 })).toEqual({ "anthropic-version": "2023-06-01" });
  });

  it("joins text blocks, skips thinking, and counts cached input", () => {
    const message = {
      content: [
        { type: "thinking", thinking: "hmm" },
        { type: "text", text: "Can" },
        { type: "text", text: "berra." }
      ],
      usage: { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: null, output_tokens: 4 }
    };
    expect(fromAnthropicMessage(message)).toEqual({
      text: "Canberra.",
      usage: { inputTokens: 15, outputTokens: 4, cacheReadTokens: 5 }
    });
  });

  it("says why a body is not a usable message", () => {
    expect(fromAnthropicMessage(null)).toMatch(/expected a JSON object/);
    expect(fromAnthropicMessage({ type: "message" })).toMatch(/no content/);
    expect(fromAnthropicMessage({ content: [], stop_reason: "max_tokens" })).toBe(
      "empty answer (stop_reason: max_tokens)"
    );
  });
});

describe("Retry-After", () => {
  const headers = (values: Record<string, string>) => new Headers(values);
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("prefers retry-after-ms, then seconds, then an HTTP date", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "1500", "retry-after": "9" }), now)).toBe(1500);
    expect(parseRetryAfter(headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ "retry-after": "0.5" }), now)).toBe(500);
    expect(parseRetryAfter(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
  });

  it("treats a past date as now and garbage as absent", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfter(headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "-3" }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after-ms": "x", "retry-after": "1" }), now)).toBe(1000);
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("formats delays for messages", () => {
    expect(formatDelay(250)).toBe("250ms");
    expect(formatDelay(2000)).toBe("2s");
    expect(formatDelay(1500)).toBe("1.5s");
  });
});

describe("message lines", () => {
  it("are one line, bounded, and never contain the key", () => {
    const secrets = [Redacted.make("sk-canary-123"), Redacted.make("sk-other-456")];
    expect(oneLine("Incorrect API key provided:\n  sk-canary-123.\tTry sk-other-456 again", secrets)).toBe(
      "Incorrect API key provided: [redacted]. Try [redacted] again"
    );
    const long = oneLine("x".repeat(500), []);
    expect(long.length).toBeLessThanOrEqual(160);
    expect(long.endsWith("…")).toBe(true);
  });
});
