import { hostname } from "node:os";
import type { CallRecord, RunEnded, RunStarted } from "@consortium/engine";
import { Clock, Context, Duration, Effect, Layer, Schedule } from "effect";
import { makeAccess } from "./access.js";
import { makeBatcher } from "./batch.js";
import type { AmbiguousRunId, EvalJoinRefused, EvalNotFound, RunNotFound, StoreError } from "./errors.js";
import { makeEvalRepository } from "./evals/EvalRepository.js";
import { DEFAULT_LEASE, type LeaseSettings, leaseUntil, renewLeases } from "./leases.js";
import { isProcessAlive } from "./liveness.js";
import { openDatabase } from "./openDatabase.js";
import { makeProvenance } from "./provenance.js";
import { makeRedactor } from "./redact.js";
import type { Writer } from "./rows.js";
import { type CommitWrites, commitWritesWith } from "./runs/callWrites.js";
import { findTurn, type TurnMatch, type TurnQuery } from "./runs/findTurn.js";
import { type ListOptions, makeRunRepository } from "./runs/RunRepository.js";
import { interruptRuns, sweepAbandoned, sweptEnding } from "./sweep.js";
import type {
  EvalEndRecord,
  EvalResultRecord,
  EvalStartRecord,
  EvalSummary,
  RunSummary,
  StoredEval,
  StoredRun
} from "./types.js";

// The store as the CLI and the logs use it: one database, the run and eval repositories over it,
// provenance worked out before each start is written, and the sweep of abandoned runs on open.

export type { ListOptions } from "./runs/RunRepository.js";

export interface StoreOptions {
  /** Where key-like variables are read from, to keep their values out of the database. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Tests: pretend to be another process. */
  readonly writer?: Writer;
  /** Tests: decide which pids count as alive for the sweep on open. */
  readonly isAlive?: (pid: number) => boolean;
  /** Reading only (the viewer): SQLite refuses writes; nothing is migrated, swept or renewed. */
  readonly readOnly?: boolean;
  /** For commands that only read: a SQLite file that is not there is an error, not created. */
  readonly mustExist?: boolean;
  /** How long this writer's leases last and how often it renews them (default 2 min, every 30 s). */
  readonly lease?: LeaseSettings;
  /**
   * Commits the batched writes (run starts and ends, calls, case results) instead of this connection:
   * e.g. a worker thread's own connection to the same SQLite file (see `openSqliteWriter`).
   */
  readonly commitWrites?: CommitWrites;
}

export interface StoreShape {
  /** Where the data lives: the database file (":memory:" for an in-memory one). */
  readonly path: string;
  readonly runStarted: (run: RunStarted) => Effect.Effect<void, StoreError>;
  /** Inserts the call and adds its tokens to the run's running totals, in one transaction. */
  readonly callEnded: (call: CallRecord) => Effect.Effect<void, StoreError>;
  readonly runEnded: (run: RunEnded) => Effect.Effect<void, StoreError>;
  readonly listRuns: (options?: ListOptions) => Effect.Effect<ReadonlyArray<RunSummary>, StoreError>;
  /** An exact id, or a prefix matching exactly one run (like git's short ids). */
  readonly getRun: (idOrPrefix: string) => Effect.Effect<StoredRun, StoreError | RunNotFound | AmbiguousRunId>;
  /** The newest run of a consortium with this prompt and synthesis (before a cursor), with the turns leading to it. */
  readonly findTurn: (query: TurnQuery) => Effect.Effect<TurnMatch | undefined, StoreError>;
  /** Fails with EvalJoinRefused, writing nothing, when the eval its id names is another suite's or has ended. */
  readonly recordEvalStarted: (started: EvalStartRecord) => Effect.Effect<void, StoreError | EvalJoinRefused>;
  readonly recordEvalResult: (result: EvalResultRecord) => Effect.Effect<void, StoreError>;
  readonly recordEvalEnded: (ended: EvalEndRecord) => Effect.Effect<void, StoreError>;
  readonly listEvals: (options?: ListOptions) => Effect.Effect<ReadonlyArray<EvalSummary>, StoreError>;
  readonly getEval: (id: string) => Effect.Effect<StoredEval, StoreError | EvalNotFound>;
  /**
   * Marks runs and eval shards left `running` by dead writers `interrupted`: on this host, processes
   * that are gone; on others, writers whose lease ran out. Runs on open.
   */
  readonly sweepAbandoned: () => Effect.Effect<number, StoreError>;
  /**
   * Marks runs of this process still `running` as `interrupted` with `error`: runs whose writer was
   * lost while the process lives on (the sweep only asks whether processes live).
   */
  readonly interruptRuns: (runIds: ReadonlyArray<string>, error: string) => Effect.Effect<number, StoreError>;
}

export const makeStore = (location: string, options: StoreOptions = {}) =>
  Effect.gen(function* () {
    const backend = yield* openDatabase(location, undefined, {
      readOnly: options.readOnly === true,
      mustExist: options.mustExist === true
    });
    const writer: Writer = options.writer ?? { pid: process.pid, hostname: hostname() };
    const isAlive = options.isAlive ?? isProcessAlive;
    const redactor = yield* makeRedactor(options.env ?? process.env);
    const provenance = makeProvenance();
    const lease = options.lease ?? DEFAULT_LEASE;
    // The first lease counts from when the run started, as its record says.
    const leaseFrom = (startedAt: string) => leaseUntil(Date.parse(startedAt), lease);
    // Calls, run starts and ends, and case results reaching the store in the same turn share a
    // transaction; whatever waits is committed before the connection closes (this finalizer runs
    // before openDatabase's, which was added first).
    const batch = makeBatcher(
      options.commitWrites ?? backend.commitWrites ?? commitWritesWith(backend.db, backend.sql)
    );
    yield* Effect.addFinalizer(() => Effect.promise(() => batch.flush().catch(() => undefined)));
    const access = makeAccess(backend, batch.flush);
    const runs = makeRunRepository(access, backend.sql, writer, redactor, batch, (row, now) =>
      sweptEnding(row, { hostname: writer.hostname, isAlive, now }, backend.location)
    );
    const evals = makeEvalRepository(access, writer, redactor, batch);

    const sweepAbandonedNow = Effect.fn("Store.sweepAbandoned")(function* () {
      const now = new Date(yield* Clock.currentTimeMillis).toISOString();
      return yield* access.write("sweep abandoned runs", (db) =>
        sweepAbandoned(db, writer.hostname, isAlive, now, backend.location)
      );
    });

    // Best effort: `consortium runs` should still list when, say, another process holds the lock.
    if (!backend.readOnly) {
      yield* sweepAbandonedNow().pipe(
        Effect.catchAll((error) => Effect.logWarning(`could not mark abandoned runs interrupted: ${error.message}`))
      );
    }

    // While this store is open, its writer vouches for what it is writing. A renewal that fails is
    // tried again next time; if it keeps failing the lease runs out, which is the truth.
    const renew = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      access.write("renew leases", (db) => renewLeases(db, writer, leaseUntil(now, lease)))
    ).pipe(Effect.ignore);
    if (!backend.readOnly) {
      yield* Effect.forkScoped(
        Effect.repeat(Effect.delay(renew, Duration.millis(lease.renewEveryMs)), Schedule.forever)
      );
    }

    return Store.of({
      path: backend.location,
      ...runs,
      ...evals,
      runStarted: (run) =>
        Effect.flatMap(provenance.ofConfig(run.config), (found) =>
          runs.runStarted(run, found, leaseFrom(run.startedAt))
        ),
      recordEvalStarted: (started) =>
        Effect.flatMap(provenance.ofFile(started.sourceFile), (git) =>
          evals.recordEvalStarted(started, git, leaseFrom(started.startedAt))
        ),
      findTurn: (query) => access.read("find a conversation's turn", (db) => findTurn(db, query)),
      sweepAbandoned: sweepAbandonedNow,
      interruptRuns: (runIds, error) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          access.write("mark lost runs interrupted", (db) =>
            interruptRuns(db, runIds, error, new Date(now).toISOString())
          )
        )
    });
  });

/** The run and eval database. Scoped: the connection closes when the layer's scope does. */
export class Store extends Context.Tag("@consortium/store/Store")<Store, StoreShape>() {
  static readonly layer = (location: string, options?: StoreOptions): Layer.Layer<Store, StoreError> =>
    Layer.scoped(Store, makeStore(location, options));
}
