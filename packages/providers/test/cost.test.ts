import { startFakeLlm } from "@consortium/testkit";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { costOf, layerLlmClient, maxCostOf } from "../src/index.js";
import { anthropic, ask, complete, envFor, openai } from "./fixtures.js";

// Cached input is part of the input count and billed at its own price; both SDK protocols report it.

const fake = await startFakeLlm();
afterAll(() => fake.close());
const live = layerLlmClient({ env: envFor(fake) });

describe("cost of a call", () => {
  it("prices plain, cached and cache-written input and output apart", () => {
    const price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, price)).toBe(3);
    // 600k plain at 3, 300k cached at 0.3, 100k written at 3.75, 200k out at 15
    const usage = {
      inputTokens: 1_000_000,
      outputTokens: 200_000,
      cacheReadTokens: 300_000,
      cacheWriteTokens: 100_000
    };
    expect(costOf(usage, price)).toBeCloseTo(1.8 + 0.09 + 0.375 + 3, 12);
    // no cache prices: cached tokens cost what input costs
    expect(costOf(usage, { input: 1, output: 2 })).toBeCloseTo(1 + 0.4, 12);
    expect(costOf(usage, undefined)).toBeNull();
    expect(maxCostOf(price, 1000, 500)).toBeCloseTo((1000 * 3.75 + 500 * 15) / 1e6, 12);
  });

  it("gives whole decimal amounts, without floating-point noise", () => {
    const price = { input: 0.4, output: 1.6 };
    // (1 × 0.4 + 3 × 1.6) / 1e6 is 0.000005200000000000001 in plain arithmetic
    expect(String(costOf({ inputTokens: 1, outputTokens: 3 }, price))).toBe("0.0000052");
    expect(String(costOf({ inputTokens: 1, outputTokens: 2 }, price))).toBe("0.0000036");
    expect(String(maxCostOf(price, 1, 3))).toBe("0.0000052");
  });

  it.live("reads the cached counts both protocols report", () =>
    Effect.gen(function* () {
      fake.script("gpt-cache", { text: "ok", usage: { input: 100, output: 7, cached: 60 } });
      fake.script("claude-cache", { text: "ok", usage: { input: 100, output: 7, cached: 50, cacheWrite: 20 } });
      const fromOpenAi = yield* complete(openai, ask("gpt-cache", "hi"));
      expect(fromOpenAi.usage).toEqual({ inputTokens: 100, outputTokens: 7, cacheReadTokens: 60 });
      const fromAnthropic = yield* complete(anthropic, ask("claude-cache", "hi"));
      expect(fromAnthropic.usage).toEqual({
        inputTokens: 100,
        outputTokens: 7,
        cacheReadTokens: 50,
        cacheWriteTokens: 20
      });
    }).pipe(Effect.provide(live))
  );
});
