import { hostname } from "node:os";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect, TestClock } from "effect";
import { markStarted, markUnrecorded } from "../src/endMarks.js";
import { runStarted, tempDir } from "./fixtures.js";

// The sweep tells a run whose process died from one whose process ended normally but could not write
// its ending (a full disk), by what the process left beside the database.

const tmp = tempDir();
afterAll(tmp.cleanup);

const DEAD = 4_000_003;

describe("the sweep and the marks a run leaves", () => {
  it.effect(
    "a run that ended normally without its ending recorded is not called interrupted by its process ending",
    () =>
      Effect.gen(function* () {
        const path = join(tmp.dir, "marks.db");
        yield* Effect.gen(function* () {
          const store = yield* Store;
          yield* store.runStarted(runStarted("unrecorded"));
          yield* store.runStarted(runStarted("died"));
        }).pipe(
          Effect.provide(Store.layer(path, { writer: { pid: DEAD, hostname: hostname() }, isAlive: () => true }))
        );
        markStarted(path, "unrecorded");
        markStarted(path, "died");
        // the first ended normally at 10:00:30 but its ending could not be written; the second never ended
        markUnrecorded(path, "unrecorded", new Date("2025-01-02T10:00:30.000Z"));

        // swept 35 minutes later by the next process to open the database
        yield* TestClock.setTime(Date.parse("2025-01-02T10:35:00.000Z"));
        const [unrecorded, died] = yield* Effect.gen(function* () {
          const store = yield* Store;
          return [yield* store.getRun("unrecorded"), yield* store.getRun("died")] as const;
        }).pipe(Effect.provide(Store.layer(path, { isAlive: (pid) => pid !== DEAD })));

        expect(unrecorded).toMatchObject({ endedAt: "2025-01-02T10:00:30.000Z", durationMs: 30_000 });
        expect(unrecorded.error).toMatch(
          /^not recorded: .* ended normally at 2025-01-02T10:00:30.000Z but could not write its ending/
        );
        expect(died).toMatchObject({ status: "interrupted", endedAt: "2025-01-02T10:35:00.000Z" });
        expect(died.error).toMatch(/^interrupted: the process that wrote this .* ended before it did/);
      })
  );
});
