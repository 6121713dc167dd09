import { type CallRecord, RunLog } from "@consortium/engine";
import { Deferred, Effect, Layer } from "effect";
import { makeEndMarks } from "./endMarks.js";
import type { StoreError } from "./errors.js";
import { Store, type StoreOptions } from "./Store.js";
import { makeWriteBacklog } from "./WriteBacklog.js";

// The engine's RunLog, written to the Store (whichever database is behind it) as each event ends.
// Never fails the run: see WriteBacklog for what happens to a write that fails.
//
// A run's rows are written while the run goes on: the run waits for none of them but its ending,
// which waits for every earlier row of the run and then for itself. A run the engine returns (and a
// caller is told about) is whole on disk; a row of a run still going lands within one commit of the
// event it records, as the writes of a whole event-loop turn are committed together (batch.ts).
// Waiting for each row instead put a trip to the database and back (on a busy server, to the writer
// thread and back through an event loop full of other runs' work) before a run's first request,
// between its members' answers and its arbiter's request, and again before its ending.

const describeCall = (call: CallRecord): string =>
  `${call.role} call ${call.provider}/${call.model}#${call.instance} of iteration ${call.iteration}`;

const make = Effect.gen(function* () {
  const store = yield* Store;
  const backlog = yield* makeWriteBacklog("run", store.path);
  const marks = makeEndMarks(store.path);
  yield* Effect.addFinalizer(() => Effect.sync(marks.close));
  // Each run's rows still being written: done once settled (written, or kept by the backlog to be
  // retried before the run's next write). Its calls' rows wait for its start, its ending for all.
  const writing = new Map<string, { start: Deferred.Deferred<void>; rows: Array<Deferred.Deferred<void>> }>();
  // Rows still going when the store closes (an interrupted command) land before it does.
  yield* Effect.addFinalizer(() =>
    Effect.forEach(
      [...writing.values()].flatMap((run) => [run.start, ...run.rows]),
      Deferred.await,
      { discard: true }
    )
  );

  /** Writes `write` without waiting for it; `done` settles when it has. */
  const inBackground = (write: Effect.Effect<void>, done: Deferred.Deferred<void>) =>
    Effect.asVoid(Effect.forkDaemon(Effect.ensuring(write, Deferred.succeed(done, undefined))));

  /** Waits until every row of the run written so far is settled, and forgets them. */
  const settled = (runId: string) =>
    Effect.suspend(() => {
      const run = writing.get(runId);
      if (run === undefined) return Effect.void;
      writing.delete(runId);
      return Effect.forEach([run.start, ...run.rows], Deferred.await, { discard: true });
    });

  return RunLog.of({
    runStarted: (run) =>
      Effect.flatMap(Deferred.make<void>(), (start) => {
        marks.started(run.runId);
        writing.set(run.runId, { start, rows: [] });
        return inBackground(backlog.submit(run.runId, { what: "run start", write: store.runStarted(run) }), start);
      }),
    callEnded: (call) =>
      Effect.flatMap(Deferred.make<void>(), (done) => {
        const run = writing.get(call.runId);
        run?.rows.push(done);
        const write = backlog.submit(call.runId, { what: describeCall(call), write: store.callEnded(call) });
        // the start as it is now: the run's ending may forget it before this write begins
        return inBackground(run === undefined ? write : Effect.zipRight(Deferred.await(run.start), write), done);
      }),
    runEnded: (run) =>
      Effect.zipRight(
        settled(run.runId),
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
