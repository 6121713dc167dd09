import { type CallRecord, RunLog, type RunStarted } from "@consortium/engine";
import { Effect, Either, Layer, Ref } from "effect";
import type { StoreError } from "./errors.js";
import { Store, type StoreOptions } from "./Store.js";

// The engine's RunLog, written to the Store. The engine's methods cannot fail, and they should not:
// the database is the run's record, not the run. A user waiting on an answer gets it even when the
// disk is full or another process holds the lock past busy_timeout. But a record must not vanish
// quietly either, so a write that fails is
//   1. reported at once as a warning (stderr in the CLI), naming the run and the database;
//   2. kept, and retried before that run's next write, in order (a call cannot land before its run);
//   3. given a last try when the run ends; whatever still could not be written is then reported as
//      lost, with a count, so the user knows the stored record of that run is incomplete.
// Writes of one run never wait on another run's failures (an eval records many runs at once).

interface PendingWrite {
  readonly what: string;
  readonly write: Effect.Effect<void, StoreError>;
}

const describeCall = (call: CallRecord): string =>
  `${call.role} call ${call.provider}/${call.model}#${call.instance} of iteration ${call.iteration}`;

const make = Effect.gen(function* () {
  const store = yield* Store;
  const backlog = yield* Ref.make<ReadonlyMap<string, ReadonlyArray<PendingWrite>>>(new Map());
  // One writer at a time keeps each run's writes in order; SQLite serialises them anyway.
  const lock = yield* Effect.makeSemaphore(1);

  /** Writes what this run has pending, then `next`; stops at the first failure and keeps the rest. */
  const submit = (runId: string, next: PendingWrite) =>
    Effect.gen(function* () {
      const pending = (yield* Ref.get(backlog)).get(runId) ?? [];
      const queue = [...pending, next];
      let written = 0;
      for (const item of queue) {
        const outcome = yield* Effect.either(item.write);
        if (Either.isLeft(outcome)) {
          if (pending.length === 0 || written > 0) {
            yield* Effect.logWarning(
              `run ${runId}: could not save the ${item.what} to ${store.path} (${outcome.left.message}); will retry`
            );
          }
          break;
        }
        written += 1;
      }
      const rest = queue.slice(written);
      yield* Ref.update(backlog, (map) => {
        const updated = new Map(map);
        if (rest.length === 0) updated.delete(runId);
        else updated.set(runId, rest);
        return updated;
      });
      return rest.length;
    }).pipe(lock.withPermits(1));

  const runStarted = (run: RunStarted) =>
    submit(run.runId, { what: "run start", write: store.runStarted(run) }).pipe(Effect.asVoid);

  const callEnded = (call: CallRecord) =>
    submit(call.runId, { what: describeCall(call), write: store.callEnded(call) }).pipe(Effect.asVoid);

  const runEnded: RunLog["Type"]["runEnded"] = (run) =>
    Effect.gen(function* () {
      const lost = yield* submit(run.runId, { what: `run end (${run.status})`, write: store.runEnded(run) });
      if (lost > 0) {
        yield* Ref.update(backlog, (map) => {
          const updated = new Map(map);
          updated.delete(run.runId);
          return updated;
        });
        yield* Effect.logWarning(
          `run ${run.runId}: ${lost} record(s) could not be saved to ${store.path}; its stored record is incomplete (the result itself is unaffected)`
        );
      }
    });

  return RunLog.of({ runStarted, callEnded, runEnded });
});

export const SqliteRunLog = {
  /** RunLog over an existing Store. */
  layer: Layer.effect(RunLog, make) satisfies Layer.Layer<RunLog, never, Store>,
  /** A Store at `path` and the RunLog writing to it, for `consortium run` and eval. */
  layerWithStore: (path: string, options?: StoreOptions): Layer.Layer<RunLog | Store, StoreError> =>
    Layer.effect(RunLog, make).pipe(Layer.provideMerge(Store.layer(path, options)))
} as const;
