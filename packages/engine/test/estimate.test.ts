import { BUILTIN_PROVIDERS, type ConsortiumConfig } from "@consortium/config";
import { describe, expect, it } from "vitest";
import { estimateRun } from "../src/estimate.js";
import { limits, member } from "./support.js";

// The estimate is arithmetic over the config and the prices; with input free and a known output price
// its numbers are exact.

const config = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig => ({
  name: "est",
  description: undefined,
  members: [member("openai/gpt-m", 2, { maxTokens: 100 }), member("local/free")],
  arbiter: { provider: "openai", model: "judge", maxTokens: 200, fallbacks: [] },
  confidenceThreshold: 0.8,
  minIterations: 1,
  maxIterations: 3,
  system: undefined,
  anonymize: true,
  prompts: { member: undefined, refine: undefined, arbiter: undefined },
  providers: {
    ...BUILTIN_PROVIDERS,
    openai: {
      ...BUILTIN_PROVIDERS.openai,
      prices: { "gpt-m": { input: 0, output: 1000 }, judge: { input: 0, output: 1000 } }
    },
    local: {
      name: "local",
      type: "openai",
      baseUrl: "http://localhost:1/v1",
      apiKeyEnv: undefined,
      concurrency: undefined
    }
  },
  limits: limits({}),
  source: undefined,
  ...overrides
});

describe("estimateRun", () => {
  it("gives the worst case (every round, every max_tokens) and a typical one, per model", () => {
    const estimate = estimateRun(config(), 500);
    expect(estimate.models.map((model) => [model.model, model.calls.worst, model.calls.typical])).toEqual([
      ["openai/gpt-m", 6, 2],
      ["local/free", 3, 1],
      ["openai/judge", 3, 1]
    ]);
    // 3 rounds × (2 × 100 + 200 tokens) at $0.001 a token; typically 1 round at a quarter of that
    expect(estimate.worstUsd).toBeCloseTo(1.2, 12);
    expect(estimate.typicalUsd).toBeCloseTo(0.1, 12);
    expect(estimate.models.find((model) => model.model === "local/free")?.worstUsd).toBeNull();
    expect(estimate.unpricedModels).toEqual(["local/free"]);
  });

  it("grows with the prompt when input costs something", () => {
    const paid = config({
      providers: {
        ...config().providers,
        openai: {
          ...BUILTIN_PROVIDERS.openai,
          prices: { "gpt-m": { input: 1, output: 0 }, judge: { input: 1, output: 0 } }
        }
      }
    });
    expect(estimateRun(paid, 10_000).worstUsd).toBeGreaterThan(estimateRun(paid, 100).worstUsd);
  });

  const calls = (estimate: ReturnType<typeof estimateRun>) =>
    estimate.models.map((model) => [model.model, model.calls.worst, model.calls.typical]);

  it("counts peer-review's review calls: one per model instance a round, output up to its max_tokens", () => {
    const estimate = estimateRun(config({ judging: "peer-review" }), 500);
    expect(calls(estimate)).toEqual([
      ["openai/gpt-m", 12, 4],
      ["local/free", 6, 2],
      ["openai/judge", 3, 1]
    ]);
    // the reviews double the members' output: 3 rounds × (2 × 2 × 100 + 200) tokens at $0.001
    expect(estimate.worstUsd).toBeCloseTo(1.8, 12);
  });

  it("counts every layer's member calls, later layers reading the previous layer's answers", () => {
    const estimate = estimateRun(config({ layers: 3 }), 500);
    expect(calls(estimate)).toEqual([
      ["openai/gpt-m", 18, 6],
      ["local/free", 9, 3],
      ["openai/judge", 3, 1]
    ]);
    const paid = config({
      layers: 2,
      providers: {
        ...config().providers,
        openai: {
          ...BUILTIN_PROVIDERS.openai,
          prices: { "gpt-m": { input: 1, output: 0 }, judge: { input: 0, output: 0 } }
        }
      }
    });
    const oneLayer = estimateRun({ ...paid, layers: 1 }, 500).worstUsd;
    // the second layer reads every first-layer answer: more than twice one layer's input
    expect(estimateRun(paid, 500).worstUsd).toBeGreaterThan(2 * oneLayer);
  });

  it("a vote asks its arbiter only to break ties (worst: every round; typical: never), and none without one", () => {
    expect(calls(estimateRun(config({ judging: "vote" }), 500)).at(-1)).toEqual(["openai/judge", 3, 0]);
    const alone = estimateRun(config({ judging: "vote", arbiter: undefined }), 500);
    expect(calls(alone).map(([model]) => model)).toEqual(["openai/gpt-m", "local/free"]);
  });

  it("an included consortium counts as its whole run, once per instance and round", () => {
    const inner = config({ name: "inner", members: [member("openai/gpt-m", 1, { maxTokens: 100 })], maxIterations: 2 });
    const outer = config({
      members: [
        member("openai/gpt-m", 1, { maxTokens: 100 }),
        { provider: "consortium", model: "inner", count: 2, consortium: { ref: "inner", config: inner } }
      ]
    });
    // outer: 3 rounds; each round 2 inner runs of up to 2 rounds (1 member call and 1 arbiter call each)
    expect(calls(estimateRun(outer, 500))).toEqual([
      ["openai/gpt-m", 3 + 3 * 2 * 2, 1 + 1 * 2 * 1],
      ["openai/judge", 3 + 3 * 2 * 2, 1 + 1 * 2 * 1]
    ]);
  });
});
