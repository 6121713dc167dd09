import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTIN_PROVIDERS, type ConsortiumConfig } from "@consortium/config";
import { LlmClient, layerLlmClient } from "@consortium/providers";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  consortiumOf,
  createConsortium,
  InvalidConsortiumError,
  loadConsortium,
  RunNotStartedError
} from "../src/Consortium.js";
import type { RunEvent } from "../src/RunEvents.js";
import { runConsortium } from "../src/runConsortium.js";
import { arbiterReply, limits, member, recordingLog } from "./support.js";

// runConsortium over real HTTP: the live client (official SDKs) against the loopback fake server,
// with both wire protocols, real timeouts and the server counting what is in flight.

const OPENAI_CANARY = "sk-canary-engine-openai-7c41";
const ANTHROPIC_CANARY = "sk-ant-canary-engine-93be";

let fake: FakeLlm;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeLlm();
  env = fakeLlmEnv(fake, { openai: OPENAI_CANARY, anthropic: ANTHROPIC_CANARY });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const confident = arbiterReply({ synthesis: "Canberra is the capital of Australia.", confidence: 0.9 });

/** Members on both protocols: openai/gpt-m ×2 and anthropic/claude-m; the arbiter speaks Anthropic. */
const config = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig => ({
  name: "e2e",
  description: undefined,
  members: [member("openai/gpt-m", 2), member("anthropic/claude-m")],
  arbiter: { provider: "anthropic", model: "claude-judge", fallbacks: [] },
  confidenceThreshold: 0.8,
  minIterations: 1,
  maxIterations: 3,
  system: "Be exact.",
  anonymize: true,
  prompts: { member: undefined, refine: undefined, arbiter: undefined },
  providers: { ...BUILTIN_PROVIDERS },
  limits: limits({ timeoutMs: 5000, retries: 2 }),
  source: undefined,
  ...overrides
});

const live = (cfg: ConsortiumConfig, log = recordingLog()) =>
  Effect.runPromise(
    runConsortium(cfg, "What is the capital of Australia?", { env }).pipe(
      Effect.provide(Layer.merge(layerLlmClient({ env }), log.layer))
    )
  );

describe("runConsortium over HTTP against the fake server", () => {
  it("members on the OpenAI and Anthropic protocols answer; the arbiter synthesises; no key is recorded", async () => {
    fake.script("gpt-m", { text: "Canberra.", usage: { input: 20, output: 3 } });
    fake.script("claude-m", { text: "It is Canberra.", usage: { input: 22, output: 4 } });
    fake.script("claude-judge", { text: confident, usage: { input: 300, output: 60 } });
    const log = recordingLog();
    const result = await live(config(), log);

    expect(result.status).toBe("completed");
    expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");
    expect(result.usage).toEqual({
      inputTokens: 20 + 20 + 22 + 300,
      outputTokens: 3 + 3 + 4 + 60,
      costUsd: null,
      costComplete: false,
      unpricedModels: ["anthropic/claude-judge", "anthropic/claude-m", "openai/gpt-m"]
    });

    const byModel = (model: string) => fake.requests.filter((r) => r.model === model);
    expect(byModel("gpt-m").map((r) => r.protocol)).toEqual(["openai", "openai"]);
    const claude = byModel("claude-m")[0]!;
    expect(claude.protocol).toBe("anthropic");
    expect(claude.system).toBe("Be exact.");
    const judge = byModel("claude-judge")[0]!;
    expect(judge.protocol).toBe("anthropic");
    const arbiterText = judge.messages.at(-1)?.content ?? "";
    expect(arbiterText).toContain("Canberra.");
    expect(arbiterText).toContain("It is Canberra.");
    expect(arbiterText).toContain("Response 3");

    const everything = JSON.stringify([result, log.started, log.calls, log.ended]);
    expect(everything).not.toContain(OPENAI_CANARY);
    expect(everything).not.toContain(ANTHROPIC_CANARY);
  });

  it("a hung member is timed out and its HTTP request really aborted; the run goes on degraded", async () => {
    fake.script("gpt-m", { text: "Canberra." });
    fake.script("claude-m", { fault: { type: "hang" } });
    fake.script("claude-judge", { text: confident });
    const started = Date.now();
    const result = await live(config({ limits: limits({ timeoutMs: 300, retries: 0 }) }));
    const elapsed = Date.now() - started;
    await fake.idle(2000);

    expect(result.status).toBe("degraded");
    expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");
    const hung = result.iterations[0]!.responses.find((r) => r.member === "anthropic/claude-m")!;
    expect(hung.error?.type).toBe("AttemptTimeout");
    const serverSide = fake.requests.filter((r) => r.model === "claude-m");
    expect(serverSide).toHaveLength(1);
    expect(serverSide[0]!.aborted).toBe(true);
    expect(elapsed).toBeLessThan(3000);
  });

  it("server errors from the real SDKs: a 429 is retried after Retry-After, a 401 is not", async () => {
    fake.script("gpt-m", [{ fault: { type: "status", status: 429, retryAfterMs: 100 } }, { text: "Canberra." }]);
    fake.script("claude-m", { fault: { type: "status", status: 401, message: "invalid x-api-key" } });
    fake.script("claude-judge", { text: confident });
    const result = await live(config({ members: [member("openai/gpt-m"), member("anthropic/claude-m")] }));

    const [gpt, claude] = result.iterations[0]!.responses;
    expect(gpt).toMatchObject({ attempts: 2, error: null, text: "Canberra." });
    expect(claude).toMatchObject({ attempts: 1, error: { type: "AuthFailed" } });
    expect(fake.requests.filter((r) => r.model === "claude-m")).toHaveLength(1);
    expect(result.status).toBe("degraded");
  });

  it("the run-wide and per-provider concurrency limits hold at the server", async () => {
    fake.script("gpt-m", { text: "Canberra.", latencyMs: 40 });
    fake.script("claude-m", { text: "Canberra.", latencyMs: 40 });
    fake.script("claude-judge", { text: confident });
    await live(
      config({
        members: [member("openai/gpt-m", 6), member("anthropic/claude-m", 6)],
        providers: { ...BUILTIN_PROVIDERS, anthropic: { ...BUILTIN_PROVIDERS.anthropic, concurrency: 2 } },
        limits: limits({ concurrency: 5, timeoutMs: 5000 })
      })
    );
    expect(fake.stats.calls).toBe(13);
    expect(fake.stats.maxInFlight).toBe(5);
    expect(fake.stats.byModel["claude-m"]!.maxInFlight).toBe(2);
  });

  it("wall time stays close to the ideal rounds × (member latency + arbiter latency)", async () => {
    const memberMs = 150;
    const arbiterMs = 100;
    const unsure = arbiterReply({ synthesis: "Draft.", confidence: 0.5, needs: true });
    const cfg = config({ members: [member("openai/gpt-m", 4), member("anthropic/claude-m", 4)] });
    const script = () => {
      fake.reset();
      fake.script("gpt-m", { text: "Canberra.", latencyMs: memberMs });
      fake.script("claude-m", { text: "Canberra.", latencyMs: memberMs });
      fake.script("claude-judge", [
        { text: unsure, latencyMs: arbiterMs },
        { text: confident, latencyMs: arbiterMs }
      ]);
    };
    // The same HTTP calls made straight through the client, no engine: what the SDKs and the
    // in-process fake server cost on this machine (about 10 ms of CPU per call here).
    const direct = Effect.gen(function* () {
      const client = yield* LlmClient;
      const ask = (provider: "openai" | "anthropic", model: string) =>
        client.complete(BUILTIN_PROVIDERS[provider], { provider, model, messages: [{ role: "user", content: "Q?" }] });
      for (let round = 0; round < 2; round++) {
        yield* Effect.all(
          [
            ...Array.from({ length: 4 }, () => ask("openai", "gpt-m")),
            ...Array.from({ length: 4 }, () => ask("anthropic", "claude-m"))
          ],
          { concurrency: "unbounded" }
        );
        yield* ask("anthropic", "claude-judge");
      }
    }).pipe(Effect.provide(layerLlmClient({ env })));
    const time = async (work: () => Promise<unknown>) => {
      script();
      const started = performance.now();
      await work();
      return performance.now() - started;
    };

    await time(() => live(cfg)); // warm-up: SDK modules, sockets
    const engine: Array<number> = [];
    const baseline: Array<number> = [];
    for (let i = 0; i < 3; i++) {
      engine.push(await time(() => live(cfg)));
      baseline.push(await time(() => Effect.runPromise(direct)));
    }
    const ideal = 2 * (memberMs + arbiterMs);
    const best = Math.min(...engine);
    console.log(
      `engine run, 2 rounds of 8 members (${memberMs} ms) + arbiter (${arbiterMs} ms), ideal ${ideal} ms: ` +
        `engine ${engine.map((t) => t.toFixed(0)).join("/")} ms, same calls without the engine ` +
        `${baseline.map((t) => t.toFixed(0)).join("/")} ms; best engine/ideal ${(best / ideal).toFixed(2)}, ` +
        `engine/direct ${(best / Math.min(...baseline)).toFixed(2)}`
    );
    // The engine's own cost is what it adds over the bare calls; loose bounds, since other suites share
    // the CPU. A serialising bug would show as ratios of 4 and more.
    expect(best / Math.min(...baseline)).toBeLessThan(1.5);
    expect(best / ideal).toBeLessThan(2.5);
  });
});

describe("the Promise API", () => {
  const providers = () => ({
    fo: { type: "openai" as const, baseUrl: fake.openaiBaseUrl },
    fa: { type: "anthropic" as const, baseUrl: fake.anthropicBaseUrl }
  });

  it("createConsortium mirrors the seed's create_consortium and runs", async () => {
    fake.script("mini", { text: "Canberra." });
    fake.script("judge", { text: confident });
    const consortium = createConsortium({
      models: ["fo/mini:2", { model: "fa/mini", temperature: 0.3 }],
      arbiter: "fa/judge",
      confidenceThreshold: 0.8,
      maxIterations: 2,
      minIterations: 1,
      system: "Be exact.",
      providers: providers(),
      limits: { timeout: "5s" }
    });
    expect(consortium.config.members.map((m) => [m.provider, m.model, m.count])).toEqual([
      ["fo", "mini", 2],
      ["fa", "mini", 1]
    ]);
    expect(consortium.config.limits.timeoutMs).toBe(5000);
    const events: Array<RunEvent["_tag"]> = [];
    const result = await consortium.run("Capital of Australia?", { onEvent: (e) => events.push(e._tag) });
    expect(result.status).toBe("completed");
    expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");
    expect(fake.requests.find((r) => r.protocol === "anthropic" && r.model === "mini")?.body.temperature).toBe(0.3);
    expect(events[0]).toBe("RunStarted");
    expect(events.at(-1)).toBe("RunEnded");
    expect(events.filter((e) => e === "CallEnded")).toHaveLength(4);
  });

  it("createConsortium rejects an invalid spec with every issue", () => {
    expect(() => createConsortium({ models: [], arbiter: "nobody" })).toThrow(InvalidConsortiumError);
    try {
      createConsortium({ models: [], arbiter: "nobody", confidenceThreshold: 80 });
    } catch (error) {
      expect((error as InvalidConsortiumError).configError.issues.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("loadConsortium reads a file; a missing key rejects before any call", async () => {
    const dir = mkdtempSync(join(tmpdir(), "engine-e2e-"));
    const file = join(dir, "c.yaml");
    writeFileSync(
      file,
      ["name: from-file", "members: [openai/gpt-m:2]", "arbiter: openai/judge", "limits: {timeout: 5s}"].join("\n")
    );
    fake.script("gpt-m", { text: "Canberra." });
    fake.script("judge", { text: confident });
    const consortium = await loadConsortium(file, { env });
    expect(consortium.config.source).toBe(file);
    const result = await consortium.run("Capital?");
    expect(result.consortium).toBe("from-file");
    expect(result.status).toBe("completed");

    const keyless = await loadConsortium(file, { env: { OPENAI_BASE_URL: fake.openaiBaseUrl } });
    fake.reset();
    await expect(keyless.run("Capital?")).rejects.toThrow(
      new RunNotStartedError("provider openai needs an API key: set the environment variable OPENAI_API_KEY")
    );
    expect(fake.requests).toHaveLength(0);

    await expect(loadConsortium(join(dir, "missing.yaml"))).rejects.toBeInstanceOf(InvalidConsortiumError);
  });

  it("an aborted run resolves as interrupted, recorded, with its HTTP requests aborted", async () => {
    fake.script("gpt-m", { fault: { type: "hang" } });
    const log = recordingLog();
    const consortium = consortiumOf(config({ members: [member("openai/gpt-m", 2)] }), { env, log: log.layer });
    const controller = new AbortController();
    // Abort once both hung requests reached the server, however slowly a loaded machine sends them.
    const poll = setInterval(() => {
      if (fake.requests.length < 2) return;
      clearInterval(poll);
      controller.abort();
    }, 10);
    const result = await consortium.run("Capital?", { signal: controller.signal });
    await fake.idle(2000);
    expect(result.status).toBe("interrupted");
    expect(log.ended.map((e) => e.status)).toEqual(["interrupted"]);
    expect(log.calls.map((c) => c.error?.type)).toEqual(["Interrupted", "Interrupted"]);
    expect(fake.requests.map((r) => r.aborted)).toEqual([true, true]);
  });
});
