import { dirname } from "node:path";
import { makeFolder } from "@consortium/config/makeFolder";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, type Migration, Migrator, sql } from "kysely";
import type { Database } from "../Database.js";
import type { Backend } from "../Db.js";
import type { SchemaLock } from "../migrate.js";
import { inCodeMigrations, migrationsFor } from "../migrations.js";
import type { CommitWrites } from "../runs/callWrites.js";
import { sqliteCommitWrites } from "./commitCalls.js";
import { ImmediateSqliteDialect } from "./ImmediateSqliteDialect.js";
import { sqliteColumnTypes, sqliteSql } from "./sql.js";

/** How long a writer waits for another process's lock before giving up. Our transactions are short. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * The page cache of a writing connection, in KiB: SQLite's own default. This build of better-sqlite3
 * raises it to 16 MB, and a writer, which appends, filled it with pages it never read again: an eval
 * writing a 15 MB database ended with all of it cached, 14 MB more peak RSS for no CPU saved.
 */
export const CACHE_KIB = 2000;

/** Bytes a page of a new database holds. */
const PAGE_SIZE = 16_384;

/** The schema's migrations with SQLite's column types. */
export const migrations: Readonly<Record<string, Migration>> = migrationsFor(sqliteColumnTypes);

/** For tests that build a database as an older consortium left it. */
export const makeMigrator = (db: Kysely<unknown>, list: Readonly<Record<string, Migration>> = migrations): Migrator =>
  new Migrator({ db, provider: inCodeMigrations(list) });

const isInMemory = (path: string): boolean => path === ":memory:" || path === "";

const connect = (path: string): { readonly db: Kysely<Database>; readonly sqlite: BetterSqlite3.Database } => {
  if (!isInMemory(path)) makeFolder(dirname(path));
  const sqlite = configured(new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS }), true);
  return { db: new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) }), sqlite };
};

const configured = (sqlite: BetterSqlite3.Database, isNew: boolean): BetterSqlite3.Database => {
  try {
    // WAL: readers never block the writer, so `consortium runs` works while a run is recording.
    // NORMAL is durable across a process crash in WAL mode (only an OS crash may lose the last commits).
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (isNew) {
      // A new database only (an existing one keeps its own): rows of one to three kilobytes (an arbiter's
      // call, a run's result) left a quarter of each 4 KB page empty; in 16 KB pages the loss is small.
      sqlite.pragma(`page_size = ${PAGE_SIZE}`);
      sqlite.pragma("journal_mode = WAL");
    }
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`cache_size = -${CACHE_KIB}`);
  } catch (cause) {
    sqlite.close();
    throw cause;
  }
  return sqlite;
};

/**
 * A second connection to a database another connection has opened and migrated, that only commits
 * the batched writes (`CommitWrites`): for a process that writes from another thread (serve does, so
 * its request handling never waits on SQLite).
 */
export const openSqliteWriter = (path: string): { readonly commit: CommitWrites; readonly close: () => void } => {
  const sqlite = configured(new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true }), false);
  return { commit: sqliteCommitWrites(sqlite), close: () => sqlite.close() };
};

export const sqliteSchemaLock: SchemaLock = {
  executed: async (db) => {
    const exists = await sql<{
      n: number;
    }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db);
    if ((exists.rows[0]?.n ?? 0) === 0) return [];
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    return rows.rows.map((row) => row.name);
  },
  // kysely runs SQLite migrations outside any transaction and without a lock, so two processes
  // opening a new database together would both create the tables. Hold the write lock for the whole
  // migration instead (SQLite's DDL is transactional).
  exclusive: async (db, work) => {
    await sql`begin immediate`.execute(db);
    try {
      const result = await work(db);
      await sql`commit`.execute(db);
      return result;
    } catch (cause) {
      await sql`rollback`.execute(db).catch(() => undefined);
      throw cause;
    }
  }
};

/** The viewer's connection: SQLite itself refuses every write, and a missing file is an error. */
const connectReadOnly = (path: string): Kysely<Database> => {
  const sqlite = new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
};

/**
 * Opens (creating folder and file when needed) and configures a SQLite database; not yet migrated.
 * `readOnly` opens an existing file through a connection that cannot write.
 */
export const openSqlite = (
  path: string,
  options: { readonly readOnly?: boolean } = {}
): Backend & { readonly lock: SchemaLock } => {
  if (options.readOnly === true) {
    return { db: connectReadOnly(path), location: path, sql: sqliteSql, lock: sqliteSchemaLock };
  }
  const { db, sqlite } = connect(path);
  return { db, location: path, sql: sqliteSql, lock: sqliteSchemaLock, commitWrites: sqliteCommitWrites(sqlite) };
};
