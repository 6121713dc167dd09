import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUILTIN_PRICES,
  type ConsortiumConfig,
  formatIssue,
  loadSuiteFile,
  lookupPrice,
  parseConsortium,
  priceOf
} from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";

const issuesOf = (text: string): Array<string> => {
  const result = parseConsortium(text, "c.yaml");
  return Either.isLeft(result) ? result.left.issues.map(formatIssue) : [];
};

const parse = (text: string): ConsortiumConfig => {
  const result = parseConsortium(text, "c.yaml");
  if (Either.isLeft(result)) throw new Error(result.left.issues.map(formatIssue).join("\n"));
  return result.right;
};

describe("prices", () => {
  it("says for every built-in price when and where it is from, and whether it is only a placeholder", () => {
    for (const [provider, models] of Object.entries(BUILTIN_PRICES.providers)) {
      for (const model of Object.keys(models)) {
        const origin = BUILTIN_PRICES.origins[provider]?.[model];
        expect(origin, `${provider}/${model}`).toBeDefined();
        expect(origin?.asOf).toMatch(/^\d{4}-\d{2}$/);
        expect(origin?.source).toMatch(/^https:\/\//);
      }
      expect(Object.keys(BUILTIN_PRICES.origins[provider] ?? {}).sort()).toEqual(Object.keys(models).sort());
    }
  });

  it("ships a dated, sourced price for every model the ready consortia use", () => {
    expect(BUILTIN_PRICES.writtenAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(BUILTIN_PRICES.source).toContain("pricing");
    for (const ref of [
      "openai/gpt-5.1-mini",
      "openai/gpt-5.4",
      "openai/gpt-4.1-mini",
      "openai/gpt-4.1",
      "anthropic/claude-opus-5",
      "anthropic/claude-sonnet-5",
      "anthropic/claude-haiku-4-5",
      "anthropic/claude-sonnet-4-5"
    ]) {
      const [provider, model] = ref.split("/") as [string, string];
      expect(lookupPrice(provider, undefined, model), ref).toBeDefined();
    }
  });

  it("prices a dated snapshot as its family, and nothing looser", () => {
    expect(lookupPrice("openai", undefined, "gpt-4.1-mini-2025-04-14")).toEqual(
      lookupPrice("openai", undefined, "gpt-4.1-mini")
    );
    expect(lookupPrice("anthropic", undefined, "claude-sonnet-4-5-20250929")).toEqual(
      lookupPrice("anthropic", undefined, "claude-sonnet-4-5")
    );
    expect(lookupPrice("openai", undefined, "gpt-5.4-pro")).toBeUndefined();
    expect(lookupPrice("ollama", undefined, "gpt-4.1")).toBeUndefined();
  });

  it("lets a file override a built-in price and add its own", () => {
    const config = parse(`name: t
members: [openai/gpt-4.1-mini, openrouter/meta-llama/llama-3.1-70b]
arbiter: openai/gpt-4.1
providers:
  openai:
    prices:
      gpt-4.1-mini: {input: 1, output: 2, cached_input: 0.5}
  openrouter:
    type: openai
    base_url: https://openrouter.ai/api/v1
    prices:
      meta-llama/llama-3.1-70b: {input: 0.52, output: 0.75}
`);
    expect(priceOf(config.providers.openai!, "gpt-4.1-mini")).toEqual({ input: 1, output: 2, cachedInput: 0.5 });
    expect(priceOf(config.providers.openai!, "gpt-4.1")).toEqual(BUILTIN_PRICES.providers.openai!["gpt-4.1"]);
    expect(priceOf(config.providers.openrouter!, "meta-llama/llama-3.1-70b")).toEqual({ input: 0.52, output: 0.75 });
  });

  it("reports a malformed price at its line and column", () => {
    expect(
      issuesOf(`name: t
members: [openai/gpt-4.1-mini]
arbiter: openai/gpt-4.1
providers:
  openai:
    prices:
      gpt-4.1-mini: {input: -1, output: 2, cache: 1}
      gpt-4.1: {input: 1}
`)
    ).toEqual([
      "c.yaml:7:29: /providers/openai/prices/gpt-4.1-mini/input must be >= 0",
      "c.yaml:7:44: /providers/openai/prices/gpt-4.1-mini/cache is not allowed",
      "c.yaml:8:16: /providers/openai/prices/gpt-4.1/output is required"
    ]);
  });

  it("refuses a budget when a model it pays for has no price", () => {
    expect(
      issuesOf(`name: t
members: [openai/gpt-4.1-mini, ollama/qwen2.5:7b]
arbiter: {model: openai/gpt-4.1, fallbacks: [ollama/llama3.1:8b]}
providers:
  ollama: {type: openai, base_url: "http://localhost:11434/v1"}
limits:
  budget_usd: 0.5
`)
    ).toEqual([
      "c.yaml:7:15: /limits/budget_usd needs a price for every model it pays for, and these have none: ollama/llama3.1:8b, ollama/qwen2.5:7b (add them under providers.<name>.prices)"
    ]);
    const priced = parse(`name: t
members: [openai/gpt-4.1-mini, ollama/qwen2.5:7b]
arbiter: openai/gpt-4.1
providers:
  ollama: {type: openai, base_url: "http://localhost:11434/v1", prices: {"qwen2.5:7b": {input: 0, output: 0}}}
limits:
  budget_usd: 0.5
`);
    expect(priced.limits.budgetUsd).toBe(0.5);
  });

  it.effect("refuses a suite budget when a target or judge has no price", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "prices-"));
      const file = join(dir, "s.yaml");
      writeFileSync(
        file,
        `name: s
targets:
  - model: openai/gpt-4.1-mini
  - model: local/tiny
providers:
  local: {type: openai, base_url: "http://localhost:1/v1"}
budget_usd: 1
cases:
  - prompt: hi
    assert: [{type: llm-rubric, value: polite, judge: local/judge}]
`
      );
      const error = yield* Effect.flip(loadSuiteFile(file));
      expect(error.issues.map(formatIssue)).toEqual([
        `${file}:7:13: /budget_usd needs a price for every model it pays for, and these have none: local/judge, local/tiny (add them under providers.<name>.prices)`
      ]);
    })
  );
});
