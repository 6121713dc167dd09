import { formatRun, formatRunsTable, Store } from "@consortium/store";
import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { at, runEnded, runStarted } from "./fixtures.js";

// Runs that continue a conversation: linked on disk, listed as turns by `show`, marked by origin in `runs`.

describe("conversations in the store", () => {
  it.effect("records the conversation and parent, and getRun lists every turn oldest first", () =>
    Effect.gen(function* () {
      const store = yield* Store;
      yield* store.runStarted(runStarted("R1", { prompt: "first?" }));
      yield* store.runEnded(runEnded("R1", "completed"));
      yield* store.runStarted(
        runStarted("R2", {
          prompt: "second?",
          startedAt: at(1000),
          conversation: { id: "R1", parentRunId: "R1" },
          origin: "serve"
        })
      );
      yield* store.runEnded(runEnded("R2", "completed"));
      yield* store.runStarted(runStarted("X", { prompt: "unrelated", startedAt: at(2000) }));

      const second = yield* store.getRun("R2");
      expect(second.conversationId).toBe("R1");
      expect(second.parentRunId).toBe("R1");
      expect(second.origin).toBe("serve");
      expect(second.conversation.map((turn) => [turn.runId, turn.parentRunId, turn.prompt])).toEqual([
        ["R1", null, "first?"],
        ["R2", "R1", "second?"]
      ]);
      expect(formatRun(second)).toMatch(/Conversation R1 \(2 turns[^\n]*\n {3}1\. R1 .*\n\* {2}2\. R2 /);

      const alone = yield* store.getRun("X");
      expect(alone.conversationId).toBe("X");
      expect(alone.conversation).toHaveLength(1);
      expect(formatRun(alone)).not.toContain("Conversation");

      const listed = yield* store.listRuns();
      expect(listed.map((run) => run.origin)).toEqual([null, "serve", null]);
      expect(formatRunsTable(listed)).toContain("completed (serve)");
    }).pipe(Effect.provide(Store.layer(":memory:")))
  );
});
