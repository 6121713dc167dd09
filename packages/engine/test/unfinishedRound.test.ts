import { AuthFailed } from "@consortium/providers";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Layer } from "effect";
import { runConsortium } from "../src/runConsortium.js";
import { arbiterReply, makeConfig, recordingLog, scriptedClient, userText } from "./support.js";

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

  it.effect("answers the arbiter was shown keep their labels when it failed; answers it never saw have none", () =>
    Effect.gen(function* () {
      const down = new AuthFailed({ provider: "p", model: "judge", status: 403, message: "p/judge: 403 forbidden" });
      const client = scriptedClient((request) =>
        request.model === "judge"
          ? { fail: down }
          : request.model === "b"
            ? { fail: new AuthFailed({ provider: "q", model: "b", status: 403, message: "q/b: 403 forbidden" }) }
            : { text: `answer of ${request.model}` }
      );
      const result = yield* runConsortium(makeConfig(), "Q?").pipe(
        Effect.provide(Layer.mergeAll(client.layer, recordingLog().layer))
      );
      expect(result.status).toBe("failed");
      const round = result.iterations[0]!;
      expect(round.unfinished).toBe(true);
      const shown = userText(client.callsTo("judge")[0]!.request);
      const answered = round.responses.filter((response) => response.error === null);
      expect(answered).toHaveLength(2);
      for (const response of answered) {
        expect(shown).toContain(`<response label="${response.label}">\n${response.text}\n</response>`);
      }
      expect(round.responses.find((response) => response.member === "q/b")?.label).toBeNull();
      expect(result.unfinished?.responses.map((response) => response.label)).toEqual(
        round.responses.map((response) => response.label)
      );
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
