import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Effect } from "effect";
import { Kysely, type Migration, sql } from "kysely";
import type { Database } from "./Database.js";
import { messageOf, StoreError } from "./errors.js";
import { ImmediateSqliteDialect } from "./ImmediateSqliteDialect.js";
import { makeMigrator, migrations } from "./migrations.js";

/** How long a writer waits for another process's lock before giving up. Our transactions are short. */
export const BUSY_TIMEOUT_MS = 5000;

const isInMemory = (path: string): boolean => path === ":memory:" || path === "";

const connect = (path: string, readOnly: boolean): Kysely<Database> => {
  if (readOnly) {
    // The viewer's connection: SQLite itself refuses every write, and a missing file is an error.
    const sqlite = new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  }
  if (!isInMemory(path)) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL: readers never block the writer, so `consortium runs` works while a run is recording.
    // NORMAL is durable across a process crash in WAL mode (only an OS crash may lose the last commits).
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
  } catch (cause) {
    sqlite.close();
    throw cause;
  }
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
};

const executedMigrations = async (db: Kysely<Database>): Promise<ReadonlyArray<string>> => {
  const exists = await sql<{
    n: number;
  }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db);
  if ((exists.rows[0]?.n ?? 0) === 0) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((row) => row.name);
};

/**
 * Brings the schema to `list`'s last migration. Already current (the usual case) costs one read and
 * takes no write lock; a database from a newer consortium is refused rather than half-understood.
 */
export const migrate = async (
  db: Kysely<Database>,
  path: string,
  list: Readonly<Record<string, Migration>> = migrations
): Promise<void> => {
  const known = Object.keys(list);
  const refuseNewer = (executed: ReadonlyArray<string>) => {
    const unknown = executed.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new Error(
        `the database at ${path} has schema version ${unknown.at(-1)}, newer than this consortium knows (${known.at(-1)}); upgrade consortium or use another --db`
      );
    }
  };
  const current = (executed: ReadonlyArray<string>) => known.every((name) => executed.includes(name));

  const before = await executedMigrations(db);
  refuseNewer(before);
  if (current(before)) return;
  // kysely runs SQLite migrations outside any transaction and without a lock, so two processes
  // opening a new database together would both create the tables. Hold the write lock for the whole
  // migration instead (SQLite's DDL is transactional), and look again once we have it: another
  // process may have migrated while we waited.
  await sql`begin immediate`.execute(db);
  try {
    const executed = await executedMigrations(db);
    refuseNewer(executed);
    if (!current(executed)) {
      const { error, results } = await makeMigrator(db as unknown as Kysely<unknown>, list).migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((result) => result.status === "Error")?.migrationName;
        throw new Error(`migration ${failed ?? "of the schema"} failed: ${messageOf(error)}`);
      }
    }
    await sql`commit`.execute(db);
  } catch (cause) {
    await sql`rollback`.execute(db).catch(() => undefined);
    throw cause;
  }
};

/** A read-only connection cannot migrate: it takes the schema only when it is exactly current. */
const requireCurrent = async (db: Kysely<Database>, list: Readonly<Record<string, Migration>>) => {
  const executed = await executedMigrations(db);
  const known = Object.keys(list);
  if (executed.join() !== known.join()) {
    throw new Error(
      `its schema (${executed.at(-1) ?? "none"}) is not the one this consortium reads (${known.at(-1)}); open it once read-write (e.g. \`consortium runs\`) to migrate`
    );
  }
};

/**
 * Opens (creating folder and file when needed), configures and migrates; closes when the scope ends.
 * `readOnly` opens an existing, already migrated file that SQLite will not let this connection write.
 */
export const openDatabase = (
  path: string,
  list: Readonly<Record<string, Migration>> = migrations,
  options: { readonly readOnly?: boolean } = {}
) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const db = connect(path, options.readOnly === true);
        try {
          if (options.readOnly === true) await requireCurrent(db, list);
          else await migrate(db, path, list);
        } catch (cause) {
          await db.destroy();
          throw cause;
        }
        return db;
      },
      catch: (cause) =>
        new StoreError({ operation: "open", path, message: `cannot open the database at ${path}: ${messageOf(cause)}` })
    }),
    (db) => Effect.promise(() => db.destroy())
  );
