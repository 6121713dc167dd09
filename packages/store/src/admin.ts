import { Effect } from "effect";
import type { Insertable, Selectable } from "kysely";
import type { RunsTable } from "./Database.js";
import type { Db } from "./Db.js";
import { StoreError, storeMessageOf } from "./errors.js";
import { migrate, type SchemaStatus, schemaStatus } from "./migrate.js";
import { type ConnectOptions, connect, displayLocation, openDatabase } from "./openDatabase.js";

// A database as a whole, for `consortium db`: its schema version, migrating it on purpose (for teams
// whose everyday user may not own the schema), and copying a history from one database into another
// (a laptop's SQLite file into the team's PostgreSQL).

const fail = (operation: string, location: string) => (cause: unknown) =>
  new StoreError({
    operation,
    path: displayLocation(location),
    message: `${operation} (${displayLocation(location)}): ${storeMessageOf(cause)}`
  });

/** Connects without migrating, runs `work`, disconnects. */
const withConnection = <A>(
  location: string,
  operation: string,
  work: (backend: Awaited<ReturnType<typeof connect>>) => Promise<A>,
  options: ConnectOptions = {}
) =>
  Effect.tryPromise({
    try: async () => {
      const backend = await connect(location, options);
      try {
        return await work(backend);
      } finally {
        await backend.db.destroy();
      }
    },
    catch: fail(operation, location)
  });

export interface DatabaseStatus extends SchemaStatus {
  readonly location: string;
}

/** Which migrations this database has and lacks; changes nothing, and creates no SQLite file. */
export const databaseStatus = (location: string): Effect.Effect<DatabaseStatus, StoreError> =>
  withConnection(
    location,
    "read the schema version",
    async (backend) => ({
      location: backend.location,
      ...(await schemaStatus(backend.db, backend.lock, backend.migrations))
    }),
    { mustExist: true }
  );

/** Applies what is pending, under the backend's lock; returns the names it applied. */
export const migrateDatabase = (
  location: string
): Effect.Effect<{ readonly location: string; readonly applied: ReadonlyArray<string> }, StoreError> =>
  withConnection(location, "migrate", async (backend) => ({
    location: backend.location,
    applied: await migrate(backend.db, backend.location, backend.lock, backend.migrations)
  }));

export interface CopyCounts {
  readonly runs: number;
  readonly calls: number;
  readonly evals: number;
  readonly results: number;
  /** Already in the target (same id): left as they are there, their rows not copied again. */
  readonly skippedRuns: number;
  readonly skippedEvals: number;
}

const BATCH = 200;

const chunks = <A>(items: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, index) =>
    items.slice(index * BATCH, (index + 1) * BATCH)
  );

/** Flags read from SQLite are 0 / 1; written anywhere they are booleans. */
const asFlag = (value: unknown): boolean => value === true || value === 1;
const asNullableFlag = (value: unknown): boolean | null => (value === null ? null : asFlag(value));

const withoutId = <Row extends { readonly id: unknown }>({ id: _id, ...rest }: Row): Omit<Row, "id"> => rest;

const copyRows = async (source: Db, target: Db): Promise<CopyCounts> => {
  const runs = await source.selectFrom("runs").selectAll().orderBy("started_at").orderBy("id").execute();
  const newRuns: Array<string> = [];
  for (const batch of chunks(runs)) {
    // The configs first: a run refers to its config by key.
    const keys = [...new Set(batch.flatMap((run) => (run.config_key === null ? [] : [run.config_key])))];
    if (keys.length > 0) {
      const configs = await source.selectFrom("configs").selectAll().where("key", "in", keys).execute();
      await target
        .insertInto("configs")
        .values(configs)
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
    }
    const rows = batch.map(
      (run: Selectable<RunsTable>): Insertable<RunsTable> => ({
        ...run,
        git_dirty: asNullableFlag(run.git_dirty),
        cost_complete: asNullableFlag(run.cost_complete)
      })
    );
    const inserted = await target
      .insertInto("runs")
      .values(rows)
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .execute();
    newRuns.push(...inserted.map((row) => row.id));
  }
  let calls = 0;
  for (const ids of chunks(newRuns)) {
    const rows = await source.selectFrom("calls").selectAll().where("run_id", "in", ids).orderBy("id").execute();
    for (const batch of chunks(rows)) {
      await target.insertInto("calls").values(batch.map(withoutId)).execute();
      calls += batch.length;
    }
  }

  const evals = await source.selectFrom("evals").selectAll().orderBy("started_at").orderBy("id").execute();
  const newEvals: Array<string> = [];
  for (const batch of chunks(evals)) {
    const inserted = await target
      .insertInto("evals")
      .values(batch.map((row) => ({ ...row, git_dirty: asNullableFlag(row.git_dirty) })))
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .execute();
    newEvals.push(...inserted.map((row) => row.id));
  }
  let results = 0;
  for (const ids of chunks(newEvals)) {
    const rows = await source
      .selectFrom("eval_results")
      .selectAll()
      .where("eval_id", "in", ids)
      .orderBy("id")
      .execute();
    for (const batch of chunks(rows)) {
      await target
        .insertInto("eval_results")
        .values(batch.map((row) => ({ ...withoutId(row), passed: asFlag(row.passed) })))
        .execute();
      results += batch.length;
    }
    const shards = await source.selectFrom("eval_shards").selectAll().where("eval_id", "in", ids).execute();
    for (const batch of chunks(shards))
      await target
        .insertInto("eval_shards")
        .values([...batch])
        .execute();
  }
  return {
    runs: newRuns.length,
    calls,
    evals: newEvals.length,
    results,
    skippedRuns: runs.length - newRuns.length,
    skippedEvals: evals.length - newEvals.length
  };
};

/**
 * Copies every run and eval of `from` that `to` lacks, with their calls, results and shards (both
 * migrated first). In one transaction on the target: a copy cut short leaves nothing half-written.
 */
export const copyDatabase = (from: string, to: string): Effect.Effect<CopyCounts, StoreError> =>
  Effect.scoped(
    Effect.gen(function* () {
      // A source that is not there is a mistake, not an empty history to copy.
      const source = yield* openDatabase(from, undefined, { mustExist: true });
      const target = yield* openDatabase(to);
      return yield* Effect.tryPromise({
        try: () => target.db.transaction().execute((trx) => copyRows(source.db, trx)),
        catch: fail(`copy into ${displayLocation(to)}`, from)
      });
    })
  );
