import type { ConsortiumConfig } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import { Deferred, Effect, Exit, Fiber, FiberId, Layer } from "effect";
import { runConsortium } from "../src/runConsortium.js";
import {
  arbiterReply,
  limits,
  makeConfig,
  recordingEvents,
  recordingLog,
  type ScriptedClient,
  scriptedClient
} from "./support.js";

// The run timeout on the live clock, which every real run uses: it cuts the rounds off with a timer
// of its own rather than the race TestClock drives in the other tests, so it is held here to the same
// outcomes in real time (short timeouts, no assertion on how long anything took).

const run = (config: ConsortiumConfig, client: ScriptedClient, log = recordingLog()) =>
  runConsortium(config, "What is the capital of Australia?").pipe(
    Effect.provide(Layer.mergeAll(client.layer, log.layer, recordingEvents().layer))
  );

/** A client whose member calls never answer; `started` completes once all three are in flight. */
const hangingMembers = () => {
  const started = Deferred.unsafeMake<void>(FiberId.none);
  let count = 0;
  const client = scriptedClient(() => {
    count += 1;
    if (count === 3) Deferred.unsafeDone(started, Exit.void);
    return { hang: true };
  });
  return { client, started };
};

describe("the run timeout on the live clock", () => {
  it.live("cuts the run off: its calls are aborted and recorded as interrupted, and the run fails", () =>
    Effect.gen(function* () {
      const { client } = hangingMembers();
      const log = recordingLog();
      const result = yield* run(makeConfig({ limits: limits({ runTimeoutMs: 200, timeoutMs: 60_000 }) }), client, log);
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(/^run timed out after .+ in iteration 1$/);
      expect(log.calls.map((call) => call.error?.type)).toEqual(["Interrupted", "Interrupted", "Interrupted"]);
      expect(client.calls.map((call) => call.outcome)).toEqual(["aborted", "aborted", "aborted"]);
      expect(result.unfinished?.responses.map((response) => response.error?.type)).toEqual([
        "Interrupted",
        "Interrupted",
        "Interrupted"
      ]);
    })
  );

  it.live("an interrupt of the run still records it as interrupted with its calls, then ends interrupted", () =>
    Effect.gen(function* () {
      const { client, started } = hangingMembers();
      const log = recordingLog();
      const fiber = yield* Effect.fork(run(makeConfig(), client, log));
      yield* Deferred.await(started);
      const exit = yield* Fiber.interrupt(fiber);
      expect(Exit.isInterrupted(exit)).toBe(true);
      expect(log.ended.map((ended) => ended.result.status)).toEqual(["interrupted"]);
      // the calls were cut off before the run was recorded, not after
      expect(log.ended[0]?.result.unfinished?.responses.map((response) => response.error?.type)).toEqual([
        "Interrupted",
        "Interrupted",
        "Interrupted"
      ]);
      expect(log.calls.map((call) => call.error?.type)).toEqual(["Interrupted", "Interrupted", "Interrupted"]);
      expect(client.calls.map((call) => call.outcome)).toEqual(["aborted", "aborted", "aborted"]);
    })
  );

  it.live("a run that answers in time is not cut off, even with a timeout too long for a timer", () =>
    Effect.gen(function* () {
      const confident = arbiterReply({ synthesis: "Canberra.", confidence: 0.95 });
      for (const runTimeoutMs of [60_000, 2 ** 31]) {
        const client = scriptedClient((request) =>
          request.model === "judge" ? { text: confident } : { text: "Canberra", latencyMs: 5 }
        );
        const result = yield* run(makeConfig({ limits: limits({ runTimeoutMs }) }), client);
        expect(result.status).toBe("completed");
        expect(result.synthesis?.text).toBe("Canberra.");
      }
    })
  );
});
