import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunLog, runConsortium } from "@consortium/engine";
import { Store, StoreRunLog } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Context, Effect, Layer } from "effect";
import { config, tempDir } from "./fixtures.js";

// A real engine run recorded by the real store. The store may not import @consortium/providers (not
// its dependency), so the scripted client is provided under LlmClient's tag key; if that key ever
// changes, the engine finds no LlmClient and this test fails loudly rather than passing vacuously.

const tmp = tempDir();
afterAll(tmp.cleanup);

const CANARY = "sk-canary-engine-5e6f7a8b9c0d1e2f";

interface ScriptedRequest {
  readonly provider: string;
  readonly model: string;
  readonly messages: ReadonlyArray<{ readonly content: string }>;
}

const LlmClientKey = Context.GenericTag<{
  readonly complete: (provider: unknown, request: ScriptedRequest) => Effect.Effect<unknown, unknown>;
}>("@consortium/providers/LlmClient");

const ARBITER_ANSWER = [
  "<synthesis>Canberra is the capital of Australia.</synthesis>",
  "<confidence>0.9</confidence>",
  "<analysis>Two of three answers agree.</analysis>",
  "<dissent>One member failed.</dissent>",
  "<needs_iteration>false</needs_iteration>",
  "<refinement_areas><area>cite the 1908 decision</area></refinement_areas>"
].join("\n");

/** The openai members answer, the anthropic member fails with an error echoing the key, the arbiter synthesises. */
const scriptedClient = Layer.succeed(LlmClientKey, {
  complete: (_provider, request) => {
    if (request.model === "claude-arbiter") {
      return Effect.succeed({ text: ARBITER_ANSWER, usage: { inputTokens: 300, outputTokens: 80 } });
    }
    if (request.provider === "anthropic") {
      return Effect.fail({ _tag: "AuthFailed", message: `anthropic/claude-member: 401 invalid x-api-key ${CANARY}` });
    }
    return Effect.succeed({ text: "Canberra.\nSince 1913.", usage: { inputTokens: 20, outputTokens: 10 } });
  }
});

/** The engine's LlmClient requirement, named without importing providers. */
type LlmClientService = Exclude<Effect.Effect.Context<ReturnType<typeof runConsortium>>, RunLog>;

const withScriptedClient = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(scriptedClient)) as Effect.Effect<A, E, Exclude<R, LlmClientService>>;

describe("a real engine run, recorded", () => {
  it.live("writes the run, a row per call, and no key anywhere", () => {
    const path = join(tmp.dir, "engine.db");
    const env = { OPENAI_API_KEY: CANARY, ANTHROPIC_API_KEY: CANARY };
    const consortium = config({
      members: [
        { provider: "openai", model: "gpt-4.1-mini", count: 2 },
        { provider: "anthropic", model: "claude-member", count: 1 }
      ],
      arbiter: { provider: "anthropic", model: "claude-arbiter", fallbacks: [] },
      maxIterations: 1,
      limits: { concurrency: 4, timeoutMs: 10_000, retries: 0, quorum: 1, runTimeoutMs: 60_000 }
    });
    return Effect.gen(function* () {
      const result = yield* withScriptedClient(runConsortium(consortium, "What is the capital of Australia?", { env }));
      const store = yield* Store;
      const run = yield* store.getRun(result.runId);
      expect(run).toMatchObject({
        status: result.status,
        synthesis: "Canberra is the capital of Australia.",
        confidence: 0.9,
        iterations: 1,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens
      });
      expect(run.calls.map((call) => `${call.role} ${call.provider}/${call.model}#${call.instance}`).sort()).toEqual([
        "arbiter anthropic/claude-arbiter#0",
        "member anthropic/claude-member#1",
        "member openai/gpt-4.1-mini#1",
        "member openai/gpt-4.1-mini#2"
      ]);
      const failed = run.calls.find((call) => call.error !== null);
      expect(failed?.error).toEqual({
        type: "AuthFailed",
        message: "anthropic/claude-member: 401 invalid x-api-key [REDACTED]"
      });
      expect(run.calls.find((call) => call.role === "arbiter")?.parsed).toMatchObject({
        confidence: 0.9,
        needsIteration: false
      });
      for (const file of [path, `${path}-wal`]) {
        expect(existsSync(file) && readFileSync(file).includes(Buffer.from(CANARY))).toBe(false);
      }
      expect(readFileSync(`${path}-wal`).includes(Buffer.from("Canberra is the capital of Australia."))).toBe(true);
    }).pipe(Effect.provide(StoreRunLog.layerWithStore(path, { env })));
  });
});
