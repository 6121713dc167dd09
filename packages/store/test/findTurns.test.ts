import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { backends, cleanupBackends } from "./backends.js";
import { at, config, runEnded, runStarted } from "./fixtures.js";

// A conversation found again from its text, as `serve` does for a chat client's follow-up: the runs of
// one consortium with this prompt and synthesis, newest first, each with the chain of turns before it.

afterAll(cleanupBackends);

const SYNTHESIS = "Canberra is the capital of Australia.";

describe.each(backends)("finding a conversation's turn on $name", (backend) => {
  it("lists the matching runs newest first with their chains, and nothing of other consortia or answers", async () => {
    const location = await backend.fresh();
    const found = await Effect.runPromise(
      Effect.gen(function* () {
        const store = yield* Store;
        const turn = (runId: string, second: number, prompt: string, more: Parameters<typeof runStarted>[1] = {}) =>
          Effect.zipRight(
            store.runStarted(runStarted(runId, { prompt, startedAt: at(second), ...more })),
            store.runEnded(runEnded(runId, "completed"))
          );
        yield* turn("OLD", 0, "capital?");
        yield* turn("ROOT", 1, "city?");
        yield* turn("CHILD", 2, "capital?", { conversation: { id: "ROOT", parentRunId: "ROOT" } });
        yield* turn("ELSEWHERE", 3, "capital?", { config: config({ name: "other" }) });
        yield* store.runStarted(runStarted("RUNNING", { prompt: "capital?", startedAt: at(4) }));
        return {
          hits: yield* store.findTurns({ consortium: "research", prompt: "capital?", synthesis: SYNTHESIS }),
          none: yield* store.findTurns({ consortium: "research", prompt: "capital?", synthesis: "Sydney." })
        };
      }).pipe(Effect.provide(Store.layer(location, { env: {} })))
    );
    expect(found.hits.map((hit) => [hit.runId, hit.conversationId, hit.chain.map((turn) => turn.runId)])).toEqual([
      ["CHILD", "ROOT", ["ROOT", "CHILD"]],
      ["OLD", "OLD", ["OLD"]]
    ]);
    expect(found.hits[0]?.chain.map((turn) => [turn.prompt, turn.synthesis])).toEqual([
      ["city?", SYNTHESIS],
      ["capital?", SYNTHESIS]
    ]);
    expect(found.none).toEqual([]);
  });
});
