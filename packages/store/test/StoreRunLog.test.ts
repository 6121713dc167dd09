import { existsSync } from "node:fs";
import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { Store, StoreError, StoreRunLog, type StoreShape } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Context, Deferred, Effect, Either, Fiber, Layer, Logger } from "effect";
import { arbiterCall, callsOfRun, memberCall, runEnded, runStarted, tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);
/** Where the flaky store says it is: a real folder, since a run leaves its marks beside the database. */
const FLAKY = join(tmp.dir, "flaky.db");

/** Collects warnings instead of printing them. */
const captureLogs = () => {
  const lines: Array<string> = [];
  const layer = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => {
      lines.push(`${logLevel.label}: ${Array.isArray(message) ? message.join(" ") : String(message)}`);
    })
  );
  return { lines, layer };
};

describe("StoreRunLog over a real database", () => {
  it.effect("records a run the way the engine reports it", () => {
    const path = join(tmp.dir, "runlog.db");
    return Effect.gen(function* () {
      const log = yield* RunLog;
      const store = yield* Store;
      yield* log.runStarted(runStarted("r1"));
      for (const call of callsOfRun("r1")) yield* log.callEnded(call);
      yield* log.runEnded(runEnded("r1", "degraded"));
      const run = yield* store.getRun("r1");
      expect(run.status).toBe("degraded");
      expect(run.calls).toHaveLength(6);
    }).pipe(Effect.provide(StoreRunLog.layerWithStore(path)));
  });

  it.effect("lands the `interrupted` ending of a run whose fiber is interrupted, before the database closes", () => {
    const path = join(tmp.dir, "interrupted.db");
    return Effect.gen(function* () {
      yield* Effect.gen(function* () {
        const log = yield* RunLog;
        const store = yield* Store;
        // What the engine does: record as calls end, and record the ending when interrupted.
        const run = Effect.gen(function* () {
          yield* log.runStarted(runStarted("cut"));
          yield* log.callEnded(memberCall("cut", 1, 1));
          yield* log.callEnded(memberCall("cut", 1, 2));
          yield* Effect.never;
        }).pipe(
          Effect.onInterrupt(() => log.runEnded(runEnded("cut", "interrupted", { synthesis: null, iterations: [] })))
        );
        const fiber = yield* Effect.fork(run);
        // Wait until the run is parked after its two calls.
        while (
          (yield* Effect.either(store.getRun("cut"))).pipe(
            Either.map((run) => run.calls.length),
            Either.getOrElse(() => 0)
          ) < 2
        ) {
          yield* Effect.yieldNow();
        }
        yield* Fiber.interrupt(fiber);
      }).pipe(Effect.provide(StoreRunLog.layerWithStore(path)));

      const after = yield* Effect.gen(function* () {
        return yield* (yield* Store).getRun("cut");
      }).pipe(Effect.provide(Store.layer(path)));
      expect(after.status).toBe("interrupted");
      expect(after.calls).toHaveLength(2);
    });
  });
});

/** A Store whose writes fail while `broken()` says so; reads are not used by the RunLog. */
const flakyStore = (broken: (what: string) => boolean, written: Array<string>) =>
  Layer.succeed(
    Store,
    Store.of({
      path: FLAKY,
      runStarted: (run) =>
        Effect.suspend(() =>
          broken(`start ${run.runId}`)
            ? Effect.fail(new StoreError({ operation: "record run start", path: FLAKY, message: "disk I/O error" }))
            : Effect.sync(() => void written.push(`start ${run.runId}`))
        ),
      callEnded: (call) =>
        Effect.suspend(() =>
          broken(`call ${call.runId}`)
            ? Effect.fail(new StoreError({ operation: "record call", path: FLAKY, message: "database is locked" }))
            : Effect.sync(() => void written.push(`call ${call.runId} ${call.role} ${call.iteration}.${call.instance}`))
        ),
      runEnded: (run) =>
        Effect.suspend(() =>
          broken(`end ${run.runId}`)
            ? Effect.fail(new StoreError({ operation: "record run end", path: FLAKY, message: "disk I/O error" }))
            : Effect.sync(() => void written.push(`end ${run.runId} ${run.status}`))
        ),
      ...unused
    })
  );

const unimplemented = (name: string) => () => Effect.die(new Error(`Store.${name} is not used by the RunLog`));
const unused: Omit<StoreShape, "path" | "runStarted" | "callEnded" | "runEnded"> = {
  listRuns: unimplemented("listRuns"),
  getRun: unimplemented("getRun"),
  findTurn: unimplemented("findTurn"),
  recordEvalStarted: unimplemented("recordEvalStarted"),
  recordEvalResult: unimplemented("recordEvalResult"),
  recordEvalEnded: unimplemented("recordEvalEnded"),
  listEvals: unimplemented("listEvals"),
  getEval: unimplemented("getEval"),
  sweepAbandoned: unimplemented("sweepAbandoned"),
  interruptRuns: unimplemented("interruptRuns")
};

describe("StoreRunLog when writes fail", () => {
  it.effect("never fails the run, warns once, and retries the backlog in order with the next write", () => {
    const written: Array<string> = [];
    let failures = 2;
    // The first two attempts fail (run start, then its retry before the first call), then the disk recovers.
    const broken = () => failures-- > 0;
    const logs = captureLogs();
    return Effect.gen(function* () {
      const log = yield* RunLog;
      yield* log.runStarted(runStarted("r1"));
      yield* log.callEnded(memberCall("r1", 1, 1));
      expect(written).toEqual([]);
      yield* log.callEnded(memberCall("r1", 1, 2));
      expect(written).toEqual(["start r1", "call r1 member 1.1", "call r1 member 1.2"]);
      yield* log.runEnded(runEnded("r1", "completed"));
      expect(written.at(-1)).toBe("end r1 completed");
      expect(logs.lines).toEqual([
        `WARN: run r1: could not save the run start to ${FLAKY} (disk I/O error); will retry`
      ]);
    }).pipe(Effect.provide(StoreRunLog.layer), Effect.provide(flakyStore(broken, written)), Effect.provide(logs.layer));
  });

  it.effect("reports what was lost when the run ends and the database never recovered, without failing", () => {
    const written: Array<string> = [];
    const logs = captureLogs();
    return Effect.gen(function* () {
      const log = yield* RunLog;
      yield* log.runStarted(runStarted("doomed"));
      yield* log.callEnded(memberCall("doomed", 1, 1));
      yield* log.callEnded(arbiterCall("doomed", 1));
      yield* log.runEnded(runEnded("doomed", "completed"));
      expect(written).toEqual([]);
      expect(logs.lines).toEqual([
        `WARN: run doomed: could not save the run start to ${FLAKY} (disk I/O error); will retry`,
        `WARN: run doomed: 4 record(s) could not be saved to ${FLAKY}; its stored record is incomplete (the result itself is unaffected)`
      ]);
      // A later run starts from a clean slate: the lost run's backlog was dropped, not replayed forever.
      // And the process leaves word, beside the database, that it ended normally: the sweep will read it.
      expect(existsSync(`${FLAKY}-runs/doomed.unrecorded`)).toBe(true);
      expect(existsSync(`${FLAKY}-runs/doomed`)).toBe(false);
    }).pipe(
      Effect.provide(StoreRunLog.layer),
      Effect.provide(flakyStore(() => true, written)),
      Effect.provide(logs.layer)
    );
  });

  it.effect("drops a write the database refuses for its content at once, and writes the rest of the run", () => {
    const written: Array<string> = [];
    const logs = captureLogs();
    let tries = 0;
    // A row the database will refuse however often it is sent (PostgreSQL's "invalid input syntax
    // for type json"): retrying it before each later write held the whole run back, its ending too.
    const refusing = Layer.map(
      flakyStore(() => false, written),
      (context) => {
        const store = Context.get(context, Store);
        return Context.add(context, Store, {
          ...store,
          callEnded: (call) =>
            call.instance === 2
              ? Effect.suspend(() => {
                  tries += 1;
                  return Effect.fail(
                    new StoreError({
                      operation: "record call",
                      path: FLAKY,
                      message: "invalid input syntax for type json",
                      refused: true
                    })
                  );
                })
              : store.callEnded(call)
        });
      }
    );
    return Effect.gen(function* () {
      const log = yield* RunLog;
      yield* log.runStarted(runStarted("bad-row"));
      yield* log.callEnded(memberCall("bad-row", 1, 1));
      yield* log.callEnded(memberCall("bad-row", 1, 2));
      yield* log.callEnded(arbiterCall("bad-row", 1));
      yield* log.runEnded(runEnded("bad-row", "completed"));
      expect(written).toEqual([
        "start bad-row",
        "call bad-row member 1.1",
        "call bad-row arbiter 1.0",
        "end bad-row completed"
      ]);
      expect(tries).toBe(1);
      expect(logs.lines).toEqual([
        `WARN: run bad-row: could not save the member call openai/gpt-4.1-mini#2 of iteration 1 to ${FLAKY} (invalid input syntax for type json); not retried: the database refuses it`,
        `WARN: run bad-row: 1 record(s) could not be saved to ${FLAKY}; its stored record is incomplete (the result itself is unaffected)`
      ]);
      // The ending is in the database: nothing left beside it for the sweep to explain.
      expect(existsSync(`${FLAKY}-runs/bad-row.unrecorded`)).toBe(false);
    }).pipe(Effect.provide(StoreRunLog.layer), Effect.provide(refusing), Effect.provide(logs.layer));
  });

  it.effect("keeps one run's failures from holding back another run's writes", () => {
    const written: Array<string> = [];
    const logs = captureLogs();
    return Effect.gen(function* () {
      const log = yield* RunLog;
      yield* log.runStarted(runStarted("bad"));
      yield* log.runStarted(runStarted("good"));
      yield* log.callEnded(memberCall("good", 1, 1));
      yield* log.callEnded(memberCall("bad", 1, 1));
      yield* log.runEnded(runEnded("good", "completed"));
      expect(written).toEqual(["start good", "call good member 1.1", "end good completed"]);
      expect(logs.lines).toHaveLength(1);
    }).pipe(
      Effect.provide(StoreRunLog.layer),
      Effect.provide(flakyStore((what) => what.endsWith(" bad"), written)),
      Effect.provide(logs.layer)
    );
  });
});

describe("StoreRunLog with writes in flight", () => {
  it.effect("returns from a run's start before its row is written; its first call row waits for it", () => {
    const written: Array<string> = [];
    return Effect.gen(function* () {
      const gate = yield* Deferred.make<void>();
      const slowStart = Layer.succeed(
        Store,
        Store.of({
          path: join(tmp.dir, "slow-start.db"),
          runStarted: (run) =>
            Effect.zipRight(
              Deferred.await(gate),
              Effect.sync(() => void written.push(`start ${run.runId}`))
            ),
          callEnded: (call) => Effect.sync(() => void written.push(`call ${call.runId}`)),
          runEnded: (run) => Effect.sync(() => void written.push(`end ${run.runId}`)),
          ...unused
        })
      );
      yield* Effect.gen(function* () {
        const log = yield* RunLog;
        // Returns with the start's write still held at the gate: the run's first requests need not wait.
        const start = yield* Effect.fork(log.runStarted(runStarted("r1")));
        for (let turn = 0; turn < 20; turn++) yield* Effect.yieldNow();
        expect(start.unsafePoll()).not.toBeNull();
        expect(written).toEqual([]);
        const call = yield* Effect.fork(log.callEnded(memberCall("r1", 1, 1)));
        for (let turn = 0; turn < 20; turn++) yield* Effect.yieldNow();
        // A call row never lands before its run's, and does not return before both are written.
        expect(written).toEqual([]);
        expect(call.unsafePoll()).toBeNull();
        yield* Deferred.succeed(gate, undefined);
        yield* Fiber.join(call);
        expect(written).toEqual(["start r1", "call r1"]);
        yield* log.runEnded(runEnded("r1", "completed"));
        expect(written).toEqual(["start r1", "call r1", "end r1"]);
      }).pipe(Effect.provide(StoreRunLog.layer), Effect.provide(slowStart));
    });
  });

  it.effect("writes a run's call while another run's write has not returned yet", () => {
    const written: Array<string> = [];
    return Effect.gen(function* () {
      const gate = yield* Deferred.make<void>();
      const record = (runId: string) => Effect.sync(() => void written.push(`call ${runId}`));
      const slowDisk = Layer.succeed(
        Store,
        Store.of({
          path: "/slow.db",
          runStarted: () => Effect.void,
          callEnded: (call) =>
            call.runId === "slow" ? Effect.zipRight(Deferred.await(gate), record(call.runId)) : record(call.runId),
          runEnded: () => Effect.void,
          ...unused
        })
      );
      yield* Effect.gen(function* () {
        const log = yield* RunLog;
        const slow = yield* Effect.fork(log.callEnded(memberCall("slow", 1, 1)));
        yield* Effect.yieldNow();
        const fast = yield* Effect.fork(log.callEnded(memberCall("fast", 1, 1)));
        for (let turn = 0; turn < 20 && written.length === 0; turn++) yield* Effect.yieldNow();
        const beforeSlowReturned = [...written];
        yield* Deferred.succeed(gate, undefined);
        yield* Fiber.join(slow);
        yield* Fiber.join(fast);
        // A writer that serialised every write would have held "fast" behind "slow".
        expect(beforeSlowReturned).toEqual(["call fast"]);
        expect(written).toEqual(["call fast", "call slow"]);
      }).pipe(Effect.provide(StoreRunLog.layer), Effect.provide(slowDisk));
    });
  });
});
