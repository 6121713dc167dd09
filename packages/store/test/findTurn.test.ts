import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { backends, cleanupBackends } from "./backends.js";
import { at, config, runEnded, runStarted } from "./fixtures.js";

// A conversation found again from its text, as `serve` does for a chat client's follow-up: the newest
// run of one consortium with this prompt and synthesis, then the next older one, each with its chain.

afterAll(cleanupBackends);

const SYNTHESIS = "Canberra is the capital of Australia.";

describe.each(backends)("finding a conversation's turn on $name", (backend) => {
  it("gives the matching runs newest first with their chains, and nothing of other consortia or answers", async () => {
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
        const query = { consortium: "research", prompt: "capital?", synthesis: SYNTHESIS };
        const newest = yield* store.findTurn(query);
        const next = yield* store.findTurn({ ...query, before: newest?.startedAt ?? "" });
        const last = yield* store.findTurn({ ...query, before: next?.startedAt ?? "" });
        const none = yield* store.findTurn({ ...query, synthesis: "Sydney." });
        return { newest, next, last, none };
      }).pipe(Effect.provide(Store.layer(location, { env: {} })))
    );
    const summary = (match: typeof found.newest) =>
      match && [match.runId, match.conversationId, match.chain.map((turn) => [turn.runId, turn.prompt])];
    expect(summary(found.newest)).toEqual([
      "CHILD",
      "ROOT",
      [
        ["ROOT", "city?"],
        ["CHILD", "capital?"]
      ]
    ]);
    expect(summary(found.next)).toEqual(["OLD", "OLD", [["OLD", "capital?"]]]);
    expect(found.last).toBeUndefined();
    expect(found.none).toBeUndefined();
  });
});
