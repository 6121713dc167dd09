import { type CallRecord, RunLog } from "@consortium/engine";
import { Effect, Layer } from "effect";
import { makeEndMarks } from "./endMarks.js";
import type { StoreError } from "./errors.js";
import { Store, type StoreOptions } from "./Store.js";
import { makeWriteBacklog } from "./WriteBacklog.js";

// The engine's RunLog, written to the Store (whichever database is behind it) as each event ends.
// Never fails the run: see WriteBacklog for what happens to a write that fails.

const describeCall = (call: CallRecord): string =>
  `${call.role} call ${call.provider}/${call.model}#${call.instance} of iteration ${call.iteration}`;

const make = Effect.gen(function* () {
  const store = yield* Store;
  const backlog = yield* makeWriteBacklog("run", store.path);
  const marks = makeEndMarks(store.path);
  yield* Effect.addFinalizer(() => Effect.sync(marks.close));
  return RunLog.of({
    runStarted: (run) =>
      Effect.zipRight(
        Effect.sync(() => marks.started(run.runId)),
        backlog.submit(run.runId, { what: "run start", write: store.runStarted(run) })
      ),
    callEnded: (call) => backlog.submit(call.runId, { what: describeCall(call), write: store.callEnded(call) }),
    runEnded: (run) =>
      Effect.flatMap(
        backlog.finish(run.runId, { what: `run end (${run.status})`, write: store.runEnded(run) }),
        (finished) =>
          Effect.sync(() =>
            finished.lastWritten ? marks.recorded(run.runId) : marks.unrecorded(run.runId, new Date())
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
