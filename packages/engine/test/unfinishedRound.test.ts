import { AuthFailed } from "@consortium/providers";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Layer } from "effect";
import { runConsortium } from "../src/runConsortium.js";
import { arbiterReply, makeConfig, recordingLog, scriptedClient } from "./support.js";

// A round that made calls is part of the result even when it never reached a synthesis: the list of
// iterations, the usage totals and what the log recorded all tell the same story.

describe("a round cut short", () => {
  it.effect("is listed in iterations, marked unfinished, and its tokens are in the totals", () =>
    Effect.gen(function* () {
      const down = new AuthFailed({ provider: "p", model: "judge", status: 403, message: "p/judge: 403 forbidden" });
      const unsure = arbiterReply({ synthesis: "First draft.", confidence: 0.3, needs: true });
      const client = scriptedClient((request, n) =>
        request.model === "judge" ? (n === 0 ? { text: unsure } : { fail: down }) : { text: `answer ${n}` }
      );
      const log = recordingLog();
      const result = yield* runConsortium(makeConfig(), "Q?").pipe(
        Effect.provide(Layer.mergeAll(client.layer, log.layer))
      );

      expect(result.status).toBe("degraded");
      expect(result.iterations.map((round) => [round.index, round.unfinished ?? false])).toEqual([
        [1, false],
        [2, true]
      ]);
      const second = result.iterations[1]!;
      expect(second.synthesis).toBeNull();
      expect(second.arbiter).toBeNull();
      expect(second.responses).toHaveLength(3);
      expect(second.arbiterFailures?.map((call) => call.error?.type)).toEqual(["AuthFailed"]);
      // every round the log saw is a round of the result
      expect(new Set(log.calls.map((call) => call.iteration))).toEqual(new Set([1, 2]));
      const summed = result.iterations.reduce(
        (sum, round) =>
          sum +
          round.responses.reduce((acc, r) => acc + r.usage.inputTokens, 0) +
          (round.arbiter?.usage.inputTokens ?? 0) +
          (round.arbiterFailures ?? []).reduce((acc, call) => acc + call.usage.inputTokens, 0),
        0
      );
      expect(result.usage.inputTokens).toBe(summed);
    })
  );

  it.effect("a run that ended normally lists no unfinished round", () =>
    Effect.gen(function* () {
      const client = scriptedClient((request) =>
        request.model === "judge"
          ? { text: arbiterReply({ synthesis: "Done.", confidence: 0.95 }) }
          : { text: "answer" }
      );
      const result = yield* runConsortium(makeConfig(), "Q?").pipe(
        Effect.provide(Layer.mergeAll(client.layer, recordingLog().layer))
      );
      expect(result.iterations.map((round) => round.unfinished ?? false)).toEqual([false]);
    })
  );
});
