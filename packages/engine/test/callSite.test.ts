import { LlmClient, type LlmResponse } from "@consortium/providers";
import { describe, expect, it } from "@effect/vitest";
import { Effect, FiberRef, Layer } from "effect";
import { type CallSite, currentCallSite } from "../src/callSite.js";
import { RunLog } from "../src/RunLog.js";
import { runConsortium } from "../src/runConsortium.js";
import { arbiterReply, makeConfig } from "./support.js";

// Every call of a run is told which call it is (currentCallSite) for the client that records or
// replays calls; a client that says it never reads it is spared setting it, and its run is the same.

const readingClient = (ignoresCallSite: boolean | undefined) => {
  const seen: Array<CallSite | undefined> = [];
  const complete = (_provider: unknown, request: { readonly model: string }) =>
    Effect.flatMap(FiberRef.get(currentCallSite), (site) => {
      seen.push(site);
      const text =
        request.model === "judge" ? arbiterReply({ synthesis: "the answer", confidence: 0.95 }) : "an answer";
      return Effect.succeed<LlmResponse>({ text, usage: { inputTokens: 10, outputTokens: 5 } });
    });
  const layer = Layer.succeed(
    LlmClient,
    ignoresCallSite === undefined ? { complete, answers: "timed" } : { complete, answers: "timed", ignoresCallSite }
  );
  return { seen, layer };
};

const run = (ignoresCallSite: boolean | undefined) => {
  const client = readingClient(ignoresCallSite);
  return Effect.map(
    runConsortium(makeConfig({ maxIterations: 1 }), "q", { runId: "r", seed: 7 }).pipe(
      Effect.provide(Layer.merge(client.layer, RunLog.none))
    ),
    (result) => ({ result, seen: client.seen })
  );
};

describe("the call site", () => {
  it.effect("is set around every call for a client that may read it, and left unset for one that never does", () =>
    Effect.gen(function* () {
      const told = yield* run(undefined);
      const spared = yield* run(true);
      expect(told.seen).toHaveLength(4);
      expect(told.seen).toEqual(
        expect.arrayContaining([
          { role: "member", instance: 1, iteration: 1 },
          { role: "member", instance: 2, iteration: 1 },
          { role: "member", instance: 1, iteration: 1 },
          expect.objectContaining({ role: "arbiter", iteration: 1 })
        ])
      );
      expect(spared.seen).toEqual([undefined, undefined, undefined, undefined]);
      const { durationMs: _a, startedAt: _b, endedAt: _c, ...toldResult } = told.result;
      const { durationMs: _d, startedAt: _e, endedAt: _f, ...sparedResult } = spared.result;
      expect(sparedResult).toEqual(toldResult);
    })
  );
});
