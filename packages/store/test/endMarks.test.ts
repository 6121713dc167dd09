import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import BetterSqlite3 from "better-sqlite3";
import { Effect, Layer, TestClock } from "effect";
import { makeEndMarks } from "../src/endMarks.js";
import { backends, cleanupBackends } from "./backends.js";
import { runStarted, tempDir } from "./fixtures.js";

// The sweep tells a run whose process died from one whose process ended normally but could not write
// its ending (a full disk), by what the process left beside the database.

const tmp = tempDir();
// a server database's marks go to the user's state folder: this test's own
process.env.XDG_STATE_HOME = join(tmp.dir, "state");
afterAll(tmp.cleanup);
afterAll(cleanupBackends);

const DEAD = 4_000_003;

describe.each(backends)("the sweep and the marks a run leaves, on $name", (backend) => {
  it.effect(
    "a run that ended normally without its ending recorded is not called interrupted by its process ending",
    () =>
      Effect.gen(function* () {
        const path = yield* Effect.promise(() => backend.fresh());
        // marks are made by the location the store knows (a server's without its password)
        const location = yield* Effect.gen(function* () {
          const store = yield* Store;
          yield* store.runStarted(runStarted("unrecorded"));
          yield* store.runStarted(runStarted("died"));
          return store.path;
        }).pipe(
          Effect.provide(Store.layer(path, { writer: { pid: DEAD, hostname: hostname() }, isAlive: () => true }))
        );
        const marks = makeEndMarks(location);
        marks.started("unrecorded");
        marks.started("died");
        // the first ended normally at 10:00:30 but its ending could not be written; the second never ended
        marks.unrecorded("unrecorded", new Date("2025-01-02T10:00:30.000Z"));

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
        marks.close();
      })
  );
});

describe("the sweep and the marks a run leaves", () => {
  it.effect("a sweep that cannot write (the disk is still full) keeps the mark for the sweep that can", () =>
    Effect.gen(function* () {
      const path = join(tmp.dir, "still-full.db");
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("unrecorded"));
      }).pipe(Effect.provide(Store.layer(path, { writer: { pid: DEAD, hostname: hostname() }, isAlive: () => true })));
      const marks = makeEndMarks(path);
      marks.started("unrecorded");
      marks.unrecorded("unrecorded", new Date("2025-01-02T10:00:30.000Z"));
      // every write to runs fails, as on a full disk, while the next commands open the database
      const failWrites = (on: boolean) => {
        const sqlite = new BetterSqlite3(path);
        sqlite.exec(
          on
            ? "create trigger full before update on runs begin select raise(abort, 'database or disk is full'); end"
            : "drop trigger full"
        );
        sqlite.close();
      };
      failWrites(true);
      const sweeps = [Date.parse("2025-01-02T10:10:00.000Z"), Date.parse("2025-01-02T10:20:00.000Z")];
      for (const time of sweeps) {
        yield* TestClock.setTime(time);
        // the row stays `running`, but no command shows a run whose process is gone as running
        const [shown, listed] = yield* Effect.gen(function* () {
          const store = yield* Store;
          return [yield* store.getRun("unrecorded"), yield* store.listRuns()] as const;
        }).pipe(Effect.provide(Store.layer(path, { isAlive: (pid) => pid !== DEAD })));
        const ending = { status: "interrupted", endedAt: "2025-01-02T10:00:30.000Z", durationMs: 30_000 };
        expect(shown).toMatchObject(ending);
        expect(shown.error).toMatch(/^not recorded: .* ended normally at 2025-01-02T10:00:30.000Z/);
        expect(listed).toMatchObject([ending]);
        const row = new BetterSqlite3(path, { readonly: true });
        expect(row.prepare("select status from runs").pluck().get()).toBe("running");
        row.close();
      }
      failWrites(false);
      yield* TestClock.setTime(Date.parse("2025-01-02T10:35:00.000Z"));
      const swept = yield* Effect.gen(function* () {
        return yield* (yield* Store).getRun("unrecorded");
      }).pipe(Effect.provide(Store.layer(path, { isAlive: (pid) => pid !== DEAD })));
      expect(swept).toMatchObject({ endedAt: "2025-01-02T10:00:30.000Z", durationMs: 30_000 });
      expect(swept.error).toMatch(/^not recorded: .* ended normally at 2025-01-02T10:00:30.000Z/);
      expect(readdirSync(`${path}-runs`)).toEqual([]);
    })
  );

  it("keeps one spare file per run in flight, not one per run, and none once closed", () => {
    const path = join(tmp.dir, "spares.db");
    const marks = makeEndMarks(path);
    const files = () => readdirSync(`${path}-runs`).sort();
    for (let round = 0; round < 10; round++) {
      marks.started(`a${round}`);
      marks.started(`b${round}`);
      marks.recorded(`a${round}`);
      marks.recorded(`b${round}`);
    }
    expect(files()).toHaveLength(2);
    marks.started("c");
    marks.started("d");
    marks.unrecorded("c", new Date("2025-01-02T10:00:30.000Z"));
    expect(files()).toContain("c.unrecorded");
    marks.close();
    expect(files()).toEqual(["c.unrecorded"]);
  });

  it.effect("the sweep removes the spares a killed writer on this host left", () =>
    Effect.gen(function* () {
      const path = join(tmp.dir, "killed.db");
      yield* Effect.scoped(Layer.build(Store.layer(path)));
      const mine = join(`${path}-runs`, `spare-${hostname()}-${process.pid}-0`);
      const dead = join(`${path}-runs`, `spare-${hostname()}-${DEAD}-0`);
      const elsewhere = join(`${path}-runs`, `spare-other-host-${DEAD}-0`);
      mkdirSync(`${path}-runs`);
      for (const file of [mine, dead, elsewhere]) writeFileSync(file, "");
      yield* Effect.scoped(Layer.build(Store.layer(path, { isAlive: (pid) => pid !== DEAD })));
      expect([existsSync(mine), existsSync(dead), existsSync(elsewhere)]).toEqual([true, false, true]);
    })
  );
});
