import { type CallRecord, RunLog } from "@consortium/engine";
import { Deferred, Effect, Layer } from "effect";
import { makeEndMarks } from "./endMarks.js";
import type { StoreError } from "./errors.js";
import { Store, type StoreOptions } from "./Store.js";
import { makeWriteBacklog } from "./WriteBacklog.js";

// The engine's RunLog, written to the Store (whichever database is behind it) as each event ends.
// Never fails the run: see WriteBacklog for what happens to a write that fails.
//
// A run's start row is written while its first calls go out: the run does not wait for it, and its
// first call row and its ending wait for it instead. A run whose calls have not ended has nothing
// finished to lose, and a call that has ended returns only once it and the run's start are on disk.
// On a busy server, waiting for the start put a trip to the writer thread and back, through an event
// loop full of other runs' work, before every run's first request.

const describeCall = (call: CallRecord): string =>
  `${call.role} call ${call.provider}/${call.model}#${call.instance} of iteration ${call.iteration}`;

const make = Effect.gen(function* () {
  const store = yield* Store;
  const backlog = yield* makeWriteBacklog("run", store.path);
  const marks = makeEndMarks(store.path);
  yield* Effect.addFinalizer(() => Effect.sync(marks.close));
  // Runs whose start row is still being written: done once it is settled (written, or kept by the
  // backlog to be retried before the run's next write).
  const starting = new Map<string, Deferred.Deferred<void>>();
  // A start still going when the store closes (an interrupted command) lands before it does.
  yield* Effect.addFinalizer(() => Effect.forEach([...starting.values()], Deferred.await, { discard: true }));

  /** Waits until the run's start row is settled. */
  const started = (runId: string) =>
    Effect.suspend(() => {
      const start = starting.get(runId);
      return start === undefined ? Effect.void : Deferred.await(start);
    });

  return RunLog.of({
    runStarted: (run) =>
      Effect.flatMap(Deferred.make<void>(), (done) => {
        marks.started(run.runId);
        starting.set(run.runId, done);
        const write = backlog.submit(run.runId, { what: "run start", write: store.runStarted(run) });
        return Effect.asVoid(
          Effect.forkDaemon(
            Effect.ensuring(
              write,
              Effect.suspend(() => {
                starting.delete(run.runId);
                return Deferred.succeed(done, undefined);
              })
            )
          )
        );
      }),
    callEnded: (call) =>
      Effect.zipRight(
        started(call.runId),
        backlog.submit(call.runId, { what: describeCall(call), write: store.callEnded(call) })
      ),
    runEnded: (run) =>
      Effect.zipRight(
        started(run.runId),
        Effect.flatMap(
          backlog.finish(run.runId, { what: `run end (${run.status})`, write: store.runEnded(run) }),
          (finished) =>
            Effect.sync(() =>
              finished.lastWritten ? marks.recorded(run.runId) : marks.unrecorded(run.runId, new Date())
            )
        )
      )
  });
});

export const StoreRunLog = {
  /** RunLog over an existing Store. */
  layer: Layer.scoped(RunLog, make) satisfies Layer.Layer<RunLog, never, Store>,
  /** A Store at `path` and the RunLog writing to it, for `consortium run`. */
  layerWithStore: (path: string, options?: StoreOptions): Layer.Layer<RunLog | Store, StoreError> =>
    Layer.scoped(RunLog, make).pipe(Layer.provideMerge(Store.layer(path, options)))
} as const;
