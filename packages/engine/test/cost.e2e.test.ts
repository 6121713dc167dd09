import { BUILTIN_PRICES, BUILTIN_PROVIDERS, type ConsortiumConfig, type ModelPrice } from "@consortium/config";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeBudget } from "../src/budget.js";
import { runConsortium } from "../src/runConsortium.js";
import { arbiterReply, httpConfig, limits, member, recordingLog } from "./support.js";

// What runs cost and how budgets stop them, over HTTP against the fake server: token counts are
// scripted there, so every cost is exact, and the server counts the calls a budget let through.

let fake: FakeLlm;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeLlm();
  env = fakeLlmEnv(fake, { openai: "sk-cost-test-openai", anthropic: "sk-ant-cost-test" });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const withPrices = (
  openai: Record<string, ModelPrice>,
  anthropic: Record<string, ModelPrice> = {}
): ConsortiumConfig["providers"] => ({
  openai: { ...BUILTIN_PROVIDERS.openai, prices: openai },
  anthropic: { ...BUILTIN_PROVIDERS.anthropic, prices: anthropic }
});

const config = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig =>
  httpConfig({
    name: "cost",
    members: [member("openai/gpt-m", 2, { maxTokens: 100 })],
    arbiter: { provider: "anthropic", model: "claude-judge", maxTokens: 200, fallbacks: [] },
    maxIterations: 5,
    ...overrides
  });

const run = (cfg: ConsortiumConfig, options: Parameters<typeof runConsortium>[2] = {}) =>
  Effect.runPromise(
    runConsortium(cfg, "What is the capital of Australia?", { env, ...options }).pipe(
      Effect.provide(Layer.merge(layerLlmClient({ env }), recordingLog().layer))
    )
  );

const unsure = arbiterReply({ synthesis: "Probably Canberra.", confidence: 0.3, needs: true });

describe("cost", () => {
  it("is exact for scripted tokens: a file price, a built-in price, and cached input", async () => {
    const haiku = BUILTIN_PRICES.providers.anthropic!["claude-haiku-4-5"]!;
    fake.script("gpt-m", { text: "Canberra.", usage: { input: 1000, output: 100, cached: 400 } });
    fake.script("claude-haiku-4-5", {
      text: arbiterReply({ synthesis: "Canberra.", confidence: 0.95 }),
      usage: { input: 3000, output: 200, cached: 1000, cacheWrite: 500 }
    });
    const result = await run(
      config({
        arbiter: { provider: "anthropic", model: "claude-haiku-4-5", fallbacks: [] },
        providers: withPrices({ "gpt-m": { input: 2, output: 8, cachedInput: 0.5 } })
      })
    );
    expect(result.status).toBe("completed");
    // 600 plain at $2/M + 400 cached at $0.5/M + 100 out at $8/M
    const memberCost = (600 * 2 + 400 * 0.5 + 100 * 8) / 1e6;
    const arbiterCost =
      (1500 * haiku.input + 1000 * (haiku.cachedInput ?? 0) + 500 * (haiku.cacheWrite ?? 0) + 200 * haiku.output) / 1e6;
    const [round] = result.iterations;
    expect(round?.responses.map((response) => response.usage.costUsd)).toEqual([memberCost, memberCost]);
    expect(round?.responses[0]?.usage).toMatchObject({ inputTokens: 1000, cacheReadTokens: 400 });
    expect(round?.arbiter?.usage.costUsd).toBeCloseTo(arbiterCost, 15);
    expect(round?.usage.costUsd).toBeCloseTo(2 * memberCost + arbiterCost, 15);
    expect(result.usage).toMatchObject({ costComplete: true, unpricedModels: [], cacheReadTokens: 1800 });
    expect(result.usage.costUsd).toBeCloseTo(2 * memberCost + arbiterCost, 15);
  });

  it("is null for a model without a price, and the run's total is marked incomplete", async () => {
    fake.script("gpt-m", { text: "Canberra.", usage: { input: 10, output: 5 } });
    fake.script("claude-judge", { text: arbiterReply({ synthesis: "Canberra.", confidence: 0.9 }) });
    const result = await run(config({ providers: withPrices({ "gpt-m": { input: 1, output: 1 } }) }));
    expect(result.iterations[0]?.arbiter?.usage.costUsd).toBeNull();
    expect(result.iterations[0]?.responses[0]?.usage.costUsd).toBe(15 / 1e6);
    expect(result.usage).toMatchObject({
      costUsd: 30 / 1e6,
      costComplete: false,
      unpricedModels: ["anthropic/claude-judge"]
    });
  });
});

describe("budgets", () => {
  // Input is free and every call writes exactly its max_tokens at $1,000 per million (a tenth of a
  // cent a token), so a round costs at most, and here exactly, (100 + 100 + 200) tokens = $0.40.
  const priced = withPrices({ "gpt-m": { input: 0, output: 1000 } }, { "claude-judge": { input: 0, output: 1000 } });
  const scriptFullRounds = () => {
    fake.script("gpt-m", { text: "Maybe Canberra.", usage: { input: 50, output: 100 } });
    fake.script("claude-judge", { text: unsure, usage: { input: 400, output: 200 } });
  };

  it("that allows exactly two rounds stops before the third, within the budget", async () => {
    scriptFullRounds();
    const result = await run(config({ providers: priced, limits: limits({ timeoutMs: 5000, budgetUsd: 1 }) }));
    expect(fake.requests).toHaveLength(6);
    expect(result.iterations).toHaveLength(2);
    expect(result.status).toBe("degraded");
    expect(result.synthesis?.text).toBe("Probably Canberra.");
    // what was spent, and what the refused round lacked: by how much to raise the limit
    expect(result.error).toBe(
      "budget of $1.00 reached ($0.80 spent; the next round could cost up to $0.40, so it needs a limit of at least $1.20)"
    );
    expect(result.usage.costUsd).toBeCloseTo(0.8, 12);
    expect(result.usage.costUsd!).toBeLessThanOrEqual(1);
  });

  it("too small for the first round fails the run without a single call", async () => {
    scriptFullRounds();
    const result = await run(config({ providers: priced, limits: limits({ timeoutMs: 5000, budgetUsd: 0.3 }) }));
    expect(fake.requests).toHaveLength(0);
    expect(result.status).toBe("failed");
    expect(result.error).toBe(
      "budget of $0.30 reached ($0.00 spent; the next round could cost up to $0.40, so it needs a limit of at least $0.40)"
    );
  });

  it("counts a peer-review round's reviews: what fits a synthesis round ($0.40) does not fit one with reviews ($0.60)", async () => {
    scriptFullRounds();
    const budget = limits({ timeoutMs: 5000, budgetUsd: 0.5 });
    const reviewed = await run(config({ providers: priced, limits: budget, judging: "peer-review" }));
    expect(fake.requests).toHaveLength(0);
    expect(reviewed.error).toBe(
      "budget of $0.50 reached ($0.00 spent; the next round could cost up to $0.60, so it needs a limit of at least $0.60)"
    );
    const synthesised = await run(config({ providers: priced, limits: budget }));
    expect(synthesised.iterations).toHaveLength(1);
  });

  it("shared with others refuses the calls that no longer fit, and the run stops there", async () => {
    scriptFullRounds();
    const shared = await Effect.runPromise(makeBudget(1));
    // someone else holds $0.70 of the shared $1 while this run goes
    await Effect.runPromise(shared.reserve(0.7));
    const result = await run(config({ providers: priced }), { budget: shared });
    expect(fake.requests).toHaveLength(0);
    expect(result.status).toBe("failed");
    // the $0.70 held by the other counts in what the limit would need
    expect(result.error).toBe(
      "budget of $1.00 reached ($0.00 spent; the next round could cost up to $0.40, so it needs a limit of at least $1.10)"
    );
    expect(await Effect.runPromise(shared.reached)).toBe(true);
  });
});
