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
});
