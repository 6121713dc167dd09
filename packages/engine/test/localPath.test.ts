import type { ConsortiumConfig } from "@consortium/config";
import {
  type Answers,
  AuthFailed,
  LlmClient,
  type LlmError,
  type LlmResponse,
  RequestRejected
} from "@consortium/providers";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Layer } from "effect";
import type { RunEvent } from "../src/RunEvents.js";
import { runConsortium } from "../src/runConsortium.js";
import { arbiterReply, limits, makeConfig, member, provider, recordingEvents, recordingLog } from "./support.js";

// A client answering from memory (a cassette replay) takes a cheaper path through the engine: its
// members are asked one after another instead of a fiber each, and the run is not raced against its
// timeout. That path must give exactly what the normal one gives for the same answers: the same
// result, the same records in the run log, the same events in the same order. Each case below runs
// one script twice, through a client declared "local" and through the same client declaring nothing.

type Reply = { readonly text: string; readonly usage?: LlmResponse["usage"] } | { readonly fail: LlmError };

/** Answers at once, from the script: `n` counts this model's calls from 0. */
const immediateClient = (script: (model: string, n: number) => Reply, answers: Answers | undefined) => {
  const seen = new Map<string, number>();
  const complete = (_provider: unknown, request: { readonly model: string }) =>
    Effect.suspend((): Effect.Effect<LlmResponse, LlmError> => {
      const n = seen.get(request.model) ?? 0;
      seen.set(request.model, n + 1);
      const reply = script(request.model, n);
      return "fail" in reply
        ? Effect.fail(reply.fail)
        : Effect.succeed({ text: reply.text, usage: reply.usage ?? { inputTokens: 10, outputTokens: 5 } });
    });
  return Layer.succeed(LlmClient, answers === undefined ? { complete } : { complete, answers });
};

/**
 * The events with each call's own events grouped: member calls of a round run at once on the normal
 * path, so their events interleave there and follow one another here. What must match is every
 * run-level event in order, and each call's events, in order, between the same run-level events.
 */
const eventsByCall = (events: ReadonlyArray<RunEvent>) => {
  const run: Array<RunEvent> = [];
  const calls = new Map<string, Array<RunEvent>>();
  for (const event of events) {
    if (event._tag === "CallStarted" || event._tag === "CallRetrying" || event._tag === "CallEnded") {
      const key = `${run.length} ${event.iteration} ${event.role} ${event.label}`;
      calls.set(key, [...(calls.get(key) ?? []), event]);
    } else run.push(event);
  }
  return { run, calls: [...calls.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
};

const runBoth = (config: ConsortiumConfig, script: (model: string, n: number) => Reply) =>
  Effect.forEach(["local", undefined] as const, (answers) =>
    Effect.gen(function* () {
      const log = recordingLog();
      const events = recordingEvents();
      const result = yield* runConsortium(config, "What is the capital of Australia?", {
        runId: "run-1",
        seed: 7
      }).pipe(Effect.provide(Layer.mergeAll(immediateClient(script, answers), log.layer, events.layer)));
      return { result, started: log.started, calls: log.calls, ended: log.ended, events: eventsByCall(events.events) };
    })
  );

const unsure = arbiterReply({ synthesis: "Probably Canberra.", confidence: 0.3, needs: true, areas: ["Sydney?"] });
const confident = arbiterReply({ synthesis: "Canberra.", confidence: 0.95 });

const rejected = new RequestRejected({ provider: "q", model: "b", status: 400, message: "q/b: 400 bad request" });

describe("a client answering from memory goes the cheap path, with the normal path's outcome", () => {
  it.effect("a failing member over two rounds: degraded answers, the same records and events", () =>
    Effect.gen(function* () {
      const [local, normal] = yield* runBoth(makeConfig(), (model, n) =>
        model === "judge"
          ? { text: n === 0 ? unsure : confident }
          : model === "b"
            ? { fail: rejected }
            : { text: `${model} ${n}` }
      );
      expect(local!.result.iterations).toHaveLength(2);
      expect(local!.result.iterations[0]!.responses.map((r) => r.error?.type ?? null)).toEqual([
        null,
        null,
        "RequestRejected"
      ]);
      expect(local!.calls).toHaveLength(8);
      expect(local).toEqual(normal);
    })
  );

  it.effect("an arbiter that fails hands over to its fallback", () =>
    Effect.gen(function* () {
      const config = makeConfig({
        arbiter: { provider: "p", model: "judge", fallbacks: [{ provider: "q", model: "backup" }] }
      });
      const [local, normal] = yield* runBoth(config, (model, n) =>
        model === "judge"
          ? { fail: new AuthFailed({ provider: "p", model: "judge", status: 401, message: "p/judge: 401" }) }
          : model === "backup"
            ? { text: confident }
            : { text: `${model} ${n}` }
      );
      expect(local!.result.status).toBe("completed");
      expect(local!.result.iterations[0]!.arbiter?.model).toBe("q/backup");
      expect(local!.calls.filter((call) => call.role === "arbiter").map((call) => call.instance)).toEqual([0, 1]);
      expect(local).toEqual(normal);
    })
  );

  it.effect("a budget that fits one round stops the run before the second", () =>
    Effect.gen(function* () {
      // Input is free and output $1,000 per million: a round costs at most 3 × $0.10 + $0.20 = $0.50
      // and here $0.20 (every call writes 50 tokens), so $0.60 fits round 1 and not round 2.
      const priced = {
        p: { ...provider("p"), prices: { a: { input: 0, output: 1000 }, judge: { input: 0, output: 1000 } } },
        q: { ...provider("q"), prices: { b: { input: 0, output: 1000 } } }
      };
      const config = makeConfig({
        providers: priced,
        members: [member("p/a", 2, { maxTokens: 100 }), member("q/b", 1, { maxTokens: 100 })],
        arbiter: { provider: "p", model: "judge", maxTokens: 200, fallbacks: [] },
        limits: limits({ budgetUsd: 0.6 })
      });
      const [local, normal] = yield* runBoth(config, (model, n) => ({
        text: model === "judge" ? unsure : `${model} ${n}`,
        usage: { inputTokens: 10, outputTokens: 50 }
      }));
      expect(local!.result.status).toBe("degraded");
      expect(local!.result.error).toBe(
        "budget of $0.60 reached ($0.20 spent; the next round could cost up to $0.50, so it needs a limit of at least $0.70)"
      );
      expect(local!.result.iterations).toHaveLength(1);
      expect(local).toEqual(normal);
    })
  );

  it.effect("two answering layers and a round that needs another", () =>
    Effect.gen(function* () {
      const config = makeConfig({
        layers: 2,
        members: [member("p/a", 2), member("q/b"), member("p/c")],
        limits: limits({ quorum: 2 })
      });
      const [local, normal] = yield* runBoth(config, (model, n) =>
        model === "judge" ? { text: n === 0 ? unsure : confident } : { text: `${model} says ${n}` }
      );
      expect(local!.result.iterations).toHaveLength(2);
      expect(local!.calls).toHaveLength(2 * (2 * 4 + 1));
      expect(local).toEqual(normal);
    })
  );
});
