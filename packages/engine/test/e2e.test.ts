import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTIN_PROVIDERS, type ConsortiumConfig } from "@consortium/config";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { Effect, Fiber, Layer, Option, TestClock, TestContext } from "effect";
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
import { arbiterReply, httpConfig, limits, member, recordingEvents, recordingLog } from "./support.js";

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
const config = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig =>
  httpConfig({
    name: "e2e",
    members: [member("openai/gpt-m", 2), member("anthropic/claude-m")],
    maxIterations: 3,
    system: "Be exact.",
    limits: limits({ timeoutMs: 5000, retries: 2 }),
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
    // The hang never answers: that the run returns at all is the timeout working (2 s leaves the
    // others time to answer on a loaded machine).
    const result = await live(config({ limits: limits({ timeoutMs: 2000, retries: 0 }) }));
    await fake.idle(5000);

    expect(result.status).toBe("degraded");
    expect(result.synthesis?.text).toBe("Canberra is the capital of Australia.");
    const hung = result.iterations[0]!.responses.find((r) => r.member === "anthropic/claude-m")!;
    expect(hung.error?.type).toBe("AttemptTimeout");
    const serverSide = fake.requests.filter((r) => r.model === "claude-m");
    expect(serverSide).toHaveLength(1);
    expect(serverSide[0]!.aborted).toBe(true);
    expect(hung.attempts).toBe(1);
  });

  it("server errors from the real SDKs: a 429 is retried only after its Retry-After, a 401 is not", async () => {
    // Well above the back-off (about 1 s, at most twice that with jitter), so only the header explains the wait.
    const retryAfterMs = 30_000;
    fake.script("gpt-m", [{ fault: { type: "status", status: 429, retryAfterMs } }, { text: "Canberra." }]);
    fake.script("claude-m", { fault: { type: "status", status: 401, message: "invalid x-api-key" } });
    fake.script("claude-judge", { text: confident });
    const events = recordingEvents();
    const cfg = config({
      members: [member("openai/gpt-m"), member("anthropic/claude-m")],
      // on the test clock below: no attempt may time out while real HTTP takes real time
      limits: limits({ timeoutMs: 3_600_000, retries: 2 })
    });
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          runConsortium(cfg, "What is the capital of Australia?", { env }).pipe(
            Effect.provide(Layer.mergeAll(layerLlmClient({ env }), recordingLog().layer, events.layer))
          )
        );
        // HTTP runs in real time; the engine's waits run on the test clock, moved on in steps until the run ends.
        while (Option.isNone(yield* Fiber.poll(fiber))) {
          yield* TestClock.adjust("500 millis");
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1)));
        }
        return yield* Fiber.join(fiber);
      }).pipe(Effect.provide(TestContext.TestContext))
    );

    const [gpt, claude] = result.iterations[0]!.responses;
    expect(gpt).toMatchObject({ attempts: 2, error: null, text: "Canberra." });
    const retry = events.events.find((event) => event._tag === "CallRetrying");
    expect(retry).toMatchObject({ label: "openai/gpt-m#1", delayMs: retryAfterMs, error: { type: "RateLimited" } });
    expect(gpt!.latencyMs).toBeGreaterThanOrEqual(retryAfterMs);
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

  it("a round's members are in flight together, and each arbiter call waits for its whole round", async () => {
    const unsure = arbiterReply({ synthesis: "Draft.", confidence: 0.5, needs: true });
    fake.script("gpt-m", { text: "Canberra.", latencyMs: 150 });
    fake.script("claude-m", { text: "Canberra.", latencyMs: 150 });
    fake.script("claude-judge", [{ text: unsure }, { text: confident }]);
    await live(config({ members: [member("openai/gpt-m", 4), member("anthropic/claude-m", 4)] }));

    // A serialising engine would show one member at a time; an arbiter that does not wait would overlap.
    expect(fake.stats.byModel["gpt-m"]!.maxInFlight).toBe(4);
    expect(fake.stats.byModel["claude-m"]!.maxInFlight).toBe(4);
    const members = fake.requests.filter((r) => r.model !== "claude-judge");
    const arbiters = fake.requests.filter((r) => r.model === "claude-judge");
    expect(members).toHaveLength(16);
    expect(arbiters).toHaveLength(2);
    const rounds = [members.slice(0, 8), members.slice(8)];
    rounds.forEach((round, index) => {
      const lastEnd = Math.max(...round.map((r) => r.endedAt ?? Number.POSITIVE_INFINITY));
      expect(arbiters[index]!.startedAt).toBeGreaterThanOrEqual(lastEnd);
    });
    expect(Math.min(...rounds[1]!.map((r) => r.startedAt))).toBeGreaterThanOrEqual(arbiters[0]!.endedAt!);
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
    const thrown = (() => {
      try {
        createConsortium({ models: [], arbiter: "nobody", confidenceThreshold: 80 });
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(InvalidConsortiumError);
    const issues = (thrown as InvalidConsortiumError).configError.issues.map(
      (issue) => `${issue.path} ${issue.message}`
    );
    // each of the three mistakes, not just any two issues
    expect(issues).toEqual([
      "/members must not be empty",
      "/confidence_threshold must be <= 1 (a fraction, not a percentage: write 0.8 for 80%)",
      expect.stringMatching(/^\/arbiter "nobody" names no provider/)
    ]);
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
    await fake.idle(5000);
    expect(result.status).toBe("interrupted");
    expect(log.ended.map((e) => e.status)).toEqual(["interrupted"]);
    expect(log.calls.map((c) => c.error?.type)).toEqual(["Interrupted", "Interrupted"]);
    expect(fake.requests.map((r) => r.aborted)).toEqual([true, true]);
  });
});
