import { statSync } from "node:fs";
import { hostname } from "node:os";
import type { CallRecord, RunEnded, RunStarted } from "@consortium/engine";
import { Clock, Context, Effect, Layer, Ref } from "effect";
import { type Kysely, sql } from "kysely";
import type { Database } from "./Database.js";
import { AmbiguousRunId, EvalNotFound, MAX_CANDIDATES, messageOf, RunNotFound, StoreError } from "./errors.js";
import { type GitInfo, gitInfoFor, noGit } from "./gitInfo.js";
import { isProcessAlive } from "./liveness.js";
import { openDatabase } from "./openDatabase.js";
import { secretsFrom } from "./redact.js";
import {
  callRow,
  evalEndedUpdate,
  evalResultRow,
  evalStartedRow,
  PROMPT_HEAD_LENGTH,
  runEndedUpdate,
  runStartedRow,
  toEvalSummary,
  toRunSummary,
  toStoredEval,
  toStoredRun,
  type Writer
} from "./rows.js";
import { sweepAbandoned } from "./sweep.js";
import type {
  EvalEndRecord,
  EvalResultRecord,
  EvalStartRecord,
  EvalSummary,
  RunSummary,
  StoredEval,
  StoredRun
} from "./types.js";

export interface StoreOptions {
  /** Where key-like variables are read from, to keep their values out of the database. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Tests: pretend to be another process. */
  readonly writer?: Writer;
  /** Tests: decide which pids count as alive for the sweep on open. */
  readonly isAlive?: (pid: number) => boolean;
}

export interface ListOptions {
  /** Newest first; default 20. */
  readonly limit?: number;
}

export interface StoreShape {
  /** The database file (":memory:" for an in-memory one). */
  readonly path: string;
  readonly runStarted: (run: RunStarted) => Effect.Effect<void, StoreError>;
  /** Inserts the call and adds its tokens to the run's running totals, in one transaction. */
  readonly callEnded: (call: CallRecord) => Effect.Effect<void, StoreError>;
  readonly runEnded: (run: RunEnded) => Effect.Effect<void, StoreError>;
  readonly listRuns: (options?: ListOptions) => Effect.Effect<ReadonlyArray<RunSummary>, StoreError>;
  /** An exact id, or a prefix matching exactly one run (like git's short ids). */
  readonly getRun: (idOrPrefix: string) => Effect.Effect<StoredRun, StoreError | RunNotFound | AmbiguousRunId>;
  readonly recordEvalStarted: (started: EvalStartRecord) => Effect.Effect<void, StoreError>;
  readonly recordEvalResult: (result: EvalResultRecord) => Effect.Effect<void, StoreError>;
  readonly recordEvalEnded: (ended: EvalEndRecord) => Effect.Effect<void, StoreError>;
  readonly listEvals: (options?: ListOptions) => Effect.Effect<ReadonlyArray<EvalSummary>, StoreError>;
  readonly getEval: (id: string) => Effect.Effect<StoredEval, StoreError | EvalNotFound>;
  /** Marks runs and evals left `running` by dead processes on this host `interrupted`. Runs on open. */
  readonly sweepAbandoned: () => Effect.Effect<number, StoreError>;
}

const DEFAULT_LIMIT = 20;

/** Any string that sorts after every id starting with the prefix (ids are ASCII, SQLite compares bytes). */
const prefixUpperBound = (prefix: string): string => `${prefix}\u{10FFFF}`;

export const makeStore = (path: string, options: StoreOptions = {}) =>
  Effect.gen(function* () {
    const db = yield* openDatabase(path);
    const writer: Writer = options.writer ?? { pid: process.pid, hostname: hostname() };
    const env = options.env ?? process.env;
    const isAlive = options.isAlive ?? isProcessAlive;
    // Names of key variables seen in configs so far; their values are redacted along with the
    // key-like names found in the environment. The list is rebuilt only when a new name appears:
    // an eval writes thousands of rows and scanning the environment for each was measurable.
    const redaction = yield* Ref.make<{ readonly names: ReadonlySet<string>; readonly secrets: ReadonlyArray<string> }>(
      { names: new Set(), secrets: secretsFrom(env) }
    );
    const secrets = Effect.map(Ref.get(redaction), (current) => current.secrets);
    const learnKeyNames = (names: ReadonlyArray<string>) =>
      Ref.update(redaction, (current) => {
        if (names.every((name) => current.names.has(name))) return current;
        const known = new Set([...current.names, ...names]);
        return { names: known, secrets: secretsFrom(env, known) };
      });
    // One `git status` per version of a file: an eval starts a run per case, and a `git` process per
    // run cost seconds. A file edited since (mtime or size changed) is asked about again.
    const gitInfos = new Map<string, GitInfo>();
    const gitInfoOf = (file: string | null | undefined): GitInfo => {
      if (file === null || file === undefined) return noGit;
      const stat = statSync(file, { throwIfNoEntry: false });
      if (stat === undefined) return gitInfoFor(file);
      const key = `${stat.mtimeMs}:${stat.size}:${file}`;
      const known = gitInfos.get(key);
      if (known !== undefined) return known;
      const info = gitInfoFor(file);
      gitInfos.set(key, info);
      return info;
    };

    const attempt = <A>(operation: string, run: (db: Kysely<Database>) => Promise<A>) =>
      Effect.tryPromise({
        try: () => run(db),
        catch: (cause) => new StoreError({ operation, path, message: `${operation} (${path}): ${messageOf(cause)}` })
      });
    // A write that started must land even if the caller is interrupted: that is how an interrupted
    // run gets its `interrupted` status.
    const write = <A>(operation: string, run: (db: Kysely<Database>) => Promise<A>) =>
      Effect.uninterruptible(attempt(operation, run));

    const sweepAbandonedNow = Effect.fn("Store.sweepAbandoned")(function* () {
      const now = new Date(yield* Clock.currentTimeMillis).toISOString();
      return yield* write("sweep abandoned runs", (db) => sweepAbandoned(db, writer.hostname, isAlive, now));
    });

    // Best effort: `consortium runs` should still list when, say, another process holds the lock.
    yield* sweepAbandonedNow().pipe(
      Effect.catchAll((error) => Effect.logWarning(`could not mark abandoned runs interrupted: ${error.message}`))
    );

    const runStarted = Effect.fn("Store.runStarted")(function* (run: RunStarted) {
      const names = Object.values(run.config.providers)
        .map((provider) => provider.apiKeyEnv)
        .filter((name): name is string => name !== undefined);
      yield* learnKeyNames(names);
      const git = gitInfoOf(run.config.source);
      const row = runStartedRow(run, writer, git, yield* secrets);
      yield* write("record run start", (db) => db.insertInto("runs").values(row).execute());
    });

    const callEnded = Effect.fn("Store.callEnded")(function* (call: CallRecord) {
      const row = callRow(call, yield* secrets);
      yield* write("record call", (db) =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto("calls").values(row).execute();
          await trx
            .updateTable("runs")
            .set((eb) => ({
              input_tokens: eb("input_tokens", "+", row.input_tokens),
              output_tokens: eb("output_tokens", "+", row.output_tokens),
              iterations: sql<number>`max(iterations, ${row.iteration})`
            }))
            .where("id", "=", row.run_id)
            .where("status", "=", "running")
            .execute();
        })
      );
    });

    const runEnded = Effect.fn("Store.runEnded")(function* (run: RunEnded) {
      const update = runEndedUpdate(run, yield* secrets);
      const result = yield* write("record run end", (db) =>
        db.updateTable("runs").set(update).where("id", "=", run.runId).executeTakeFirst()
      );
      if (result.numUpdatedRows === 0n) {
        return yield* new StoreError({
          operation: "record run end",
          path,
          message: `record run end (${path}): run ${run.runId} was never recorded as started`
        });
      }
    });

    const listRuns = Effect.fn("Store.listRuns")(function* (options: ListOptions = {}) {
      const rows = yield* attempt("list runs", (db) =>
        db
          .selectFrom("runs")
          .select([
            "id",
            "consortium",
            "status",
            "started_at",
            "ended_at",
            "duration_ms",
            "iterations",
            "confidence",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "origin",
            sql<string>`substr(prompt, 1, ${PROMPT_HEAD_LENGTH})`.as("prompt_head")
          ])
          .orderBy("started_at", "desc")
          .orderBy("id", "desc")
          .limit(options.limit ?? DEFAULT_LIMIT)
          .execute()
      );
      return rows.map(toRunSummary);
    });

    const resolveRunId = Effect.fn("Store.resolveRunId")(function* (idOrPrefix: string) {
      if (idOrPrefix === "") return yield* new RunNotFound({ id: idOrPrefix });
      const lookUp = async (db: Kysely<Database>, prefix: string) => {
        const exact = await db.selectFrom("runs").select("id").where("id", "=", prefix).executeTakeFirst();
        if (exact !== undefined) return [exact.id];
        // A range on the primary key rather than LIKE: uses the index, and `%` or `_` mean themselves.
        const matches = await db
          .selectFrom("runs")
          .select("id")
          .where("id", ">=", prefix)
          .where("id", "<", prefixUpperBound(prefix))
          .orderBy("id")
          .limit(MAX_CANDIDATES)
          .execute();
        return matches.map((row) => row.id);
      };
      const ids = yield* attempt("find run", async (db) => {
        const found = await lookUp(db, idOrPrefix);
        // The engine's ids are upper-case ULIDs; let people type them in lower case.
        const upper = idOrPrefix.toUpperCase();
        return found.length > 0 || upper === idOrPrefix ? found : lookUp(db, upper);
      });
      const [only, ...others] = ids;
      if (only === undefined) return yield* new RunNotFound({ id: idOrPrefix });
      if (others.length > 0) return yield* new AmbiguousRunId({ prefix: idOrPrefix, candidates: ids });
      return only;
    });

    const getRun = Effect.fn("Store.getRun")(function* (idOrPrefix: string) {
      const id = yield* resolveRunId(idOrPrefix);
      const found = yield* attempt("read run", async (db) => {
        const run = await db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
        const calls = await db
          .selectFrom("calls")
          .selectAll()
          .where("run_id", "=", id)
          .orderBy("iteration")
          .orderBy(sql`case role when 'member' then 0 else 1 end`)
          .orderBy("id")
          .execute();
        const turns = await db
          .selectFrom("runs")
          .select(["id", "parent_run_id", "status", "prompt", "synthesis", "started_at"])
          .where("conversation_id", "=", run?.conversation_id ?? id)
          .orderBy("started_at")
          .orderBy("id")
          .execute();
        return run === undefined ? undefined : toStoredRun(run, calls, turns);
      });
      if (found === undefined) return yield* new RunNotFound({ id });
      return found;
    });

    const recordEvalStarted = Effect.fn("Store.recordEvalStarted")(function* (started: EvalStartRecord) {
      const git = gitInfoOf(started.sourceFile);
      const row = evalStartedRow(started, writer, git, yield* secrets);
      yield* write("record eval start", (db) => db.insertInto("evals").values(row).execute());
    });

    const recordEvalResult = Effect.fn("Store.recordEvalResult")(function* (result: EvalResultRecord) {
      const row = evalResultRow(result, yield* secrets);
      yield* write("record eval result", (db) =>
        db
          .insertInto("eval_results")
          .values((eb) => ({
            ...row,
            // Linked only when that run was recorded here (it may have run with --no-log or elsewhere).
            run_id: eb
              .selectFrom("runs")
              .select("runs.id")
              .where("runs.id", "=", result.runId ?? "")
          }))
          .execute()
      );
    });

    const recordEvalEnded = Effect.fn("Store.recordEvalEnded")(function* (ended: EvalEndRecord) {
      const update = evalEndedUpdate(ended, yield* secrets);
      const result = yield* write("record eval end", (db) =>
        db.updateTable("evals").set(update).where("id", "=", ended.evalId).executeTakeFirst()
      );
      if (result.numUpdatedRows === 0n) {
        return yield* new StoreError({
          operation: "record eval end",
          path,
          message: `record eval end (${path}): eval ${ended.evalId} was never recorded as started`
        });
      }
    });

    const listEvals = Effect.fn("Store.listEvals")(function* (options: ListOptions = {}) {
      const rows = yield* attempt("list evals", (db) =>
        db
          .selectFrom("evals")
          .leftJoin("eval_results", "eval_results.eval_id", "evals.id")
          .select((eb) => [
            "evals.id",
            "evals.suite",
            "evals.status",
            "evals.started_at",
            "evals.ended_at",
            eb.fn.count<number>("eval_results.id").as("results"),
            eb.fn.sum<number | null>("eval_results.passed").as("passed")
          ])
          .groupBy("evals.id")
          .orderBy("evals.started_at", "desc")
          .orderBy("evals.id", "desc")
          .limit(options.limit ?? DEFAULT_LIMIT)
          .execute()
      );
      return rows.map(toEvalSummary);
    });

    const getEval = Effect.fn("Store.getEval")(function* (id: string) {
      const found = yield* attempt("read eval", async (db) => {
        const row = await db.selectFrom("evals").selectAll().where("id", "=", id).executeTakeFirst();
        const results = await db
          .selectFrom("eval_results")
          .selectAll()
          .where("eval_id", "=", id)
          .orderBy("case_id")
          .orderBy("target")
          .orderBy("id")
          .execute();
        return row === undefined ? undefined : toStoredEval(row, results);
      });
      if (found === undefined) return yield* new EvalNotFound({ id });
      return found;
    });

    return Store.of({
      path,
      runStarted,
      callEnded,
      runEnded,
      listRuns,
      getRun,
      recordEvalStarted,
      recordEvalResult,
      recordEvalEnded,
      listEvals,
      getEval,
      sweepAbandoned: sweepAbandonedNow
    });
  });

/** The run and eval database. Scoped: the connection closes when the layer's scope does. */
export class Store extends Context.Tag("@consortium/store/Store")<Store, StoreShape>() {
  static readonly layer = (path: string, options?: StoreOptions): Layer.Layer<Store, StoreError> =>
    Layer.scoped(Store, makeStore(path, options));
}
