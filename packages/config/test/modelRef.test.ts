import { formatModelRef, parseModelRef } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Either from "effect/Either";
import * as fc from "fast-check";

const ok = (text: string) => Either.getOrThrow(parseModelRef(text));
const error = (text: string) =>
  Either.getLeft(parseModelRef(text)).pipe((left) => (left._tag === "Some" ? left.value : ""));

describe("parseModelRef", () => {
  it("splits provider at the first slash and keeps the rest as the model", () => {
    expect(ok("openai/gpt-4.1-mini")).toEqual({ provider: "openai", model: "gpt-4.1-mini", count: 1 });
    expect(ok("openrouter/meta-llama/llama-3.1-70b")).toEqual({
      provider: "openrouter",
      model: "meta-llama/llama-3.1-70b",
      count: 1
    });
  });

  it("takes only a trailing :<digits> as the count", () => {
    expect(ok("openai/gpt-4.1-mini:2")).toEqual({ provider: "openai", model: "gpt-4.1-mini", count: 2 });
    expect(ok("ollama/qwen2.5:7b")).toEqual({ provider: "ollama", model: "qwen2.5:7b", count: 1 });
    expect(ok("ollama/qwen2.5:7b:3")).toEqual({ provider: "ollama", model: "qwen2.5:7b", count: 3 });
    expect(ok("openrouter/deepseek/deepseek-r1:free")).toEqual({
      provider: "openrouter",
      model: "deepseek/deepseek-r1:free",
      count: 1
    });
  });

  it("gives bare gpt-*, o1*, o3*, o4* to openai and claude-* to anthropic", () => {
    expect(ok("gpt-4.1")).toMatchObject({ provider: "openai", model: "gpt-4.1" });
    expect(ok("o1-mini")).toMatchObject({ provider: "openai", model: "o1-mini" });
    expect(ok("o3")).toMatchObject({ provider: "openai", model: "o3" });
    expect(ok("o4-mini:2")).toEqual({ provider: "openai", model: "o4-mini", count: 2 });
    expect(ok("claude-sonnet-4-5")).toMatchObject({ provider: "anthropic", model: "claude-sonnet-4-5" });
  });

  it("refuses any other bare name and says to add a provider", () => {
    expect(error("llama3")).toContain("names no provider");
    expect(error("llama3")).toContain("providers");
    expect(error("mistral-large:2")).toContain('"mistral-large" names no provider');
  });

  it("refuses empty parts, white space and a zero count", () => {
    expect(error("")).toContain("empty");
    expect(error("/gpt-4.1")).toContain("empty provider");
    expect(error("openai/")).toContain("empty model");
    expect(error("openai/gpt 4")).toContain("white space");
    expect(error("openai/gpt-4.1:0")).toContain("at least 1");
    expect(error(":3")).toContain("no model");
  });

  const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
  const modelId = fc
    .array(fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.join("/"))
    .filter((model) => !/:\d+$/.test(model));

  it("round-trips provider, model and count", () => {
    fc.assert(
      fc.property(segment, modelId, fc.integer({ min: 1, max: 10_000 }), (provider, model, count) => {
        expect(ok(`${provider}/${model}:${count}`)).toEqual({ provider, model, count });
        expect(ok(`${provider}/${model}`)).toEqual({ provider, model, count: 1 });
        expect(formatModelRef(ok(`${provider}/${model}`))).toBe(`${provider}/${model}`);
      })
    );
  });

  it("never throws, and a parsed reference always has a provider and a model", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii", maxLength: 40 }), (text) => {
        const parsed = parseModelRef(text);
        if (Either.isRight(parsed)) {
          expect(parsed.right.provider).not.toBe("");
          expect(parsed.right.model).not.toBe("");
          expect(parsed.right.provider).not.toContain("/");
          expect(Number.isSafeInteger(parsed.right.count) && parsed.right.count >= 1).toBe(true);
          expect(/:\d+$/.test(parsed.right.model)).toBe(false);
        } else {
          expect(parsed.left.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 }
    );
  });
});
