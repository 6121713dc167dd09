import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
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

/**
 * File names that start with "file:" are URIs to SQLite once URIs are on (see `readAsImmutable`), so a
 * file a user really named "file:x.db" is given as "./file:x.db".
 */
const asFileName = (path: string): string => (path.startsWith("file:") ? `./${path}` : path);

/**
 * SQLite reads URI file names (what `readAsImmutable` needs) only when told so before it starts, and
 * better-sqlite3 tells it from this variable when its addon loads, which the first connection does.
 * A user's own setting is kept.
 */
const allowUriFileNames = (): void => {
  process.env.SQLITE_USE_URI ??= "1";
};

/**
 * Whether this process may write the database and create its -wal and -shm beside it. A history owned
 * by another account (a service's database a teammate opens, a CI artifact, a read-only mount) is
 * not, and a command that only reads then opens it read-only instead of failing at its first write.
 * A file that is not there counts as writable: whoever opens it decides whether to make it.
 */
export const sqliteWritable = (path: string): boolean => {
  if (isInMemory(path)) return true;
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(resolve(path)), constants.W_OK);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === "ENOENT";
  }
};

const connect = (path: string): { readonly db: Kysely<Database>; readonly sqlite: BetterSqlite3.Database } => {
  if (!isInMemory(path)) makeFolder(dirname(path));
  allowUriFileNames();
  const sqlite = configured(new BetterSqlite3(asFileName(path), { timeout: BUSY_TIMEOUT_MS }), true);
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
  allowUriFileNames();
  const sqlite = configured(
    new BetterSqlite3(asFileName(path), { timeout: BUSY_TIMEOUT_MS, fileMustExist: true }),
    false
  );
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

/** SQLite could not open or make a file beside the database (its -shm): the folder is not ours to write. */
const cannotMakeShm = (cause: unknown): boolean => {
  const code = (cause as { readonly code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN"));
};

/**
 * A WAL database is read through its -shm, which even a read-only connection creates when it is not
 * there: in a folder this process cannot write (and the last writer, closing, removed it), reading
 * fails. Then, if no -wal with anything in it is there either, every commit is in the file itself and
 * the file is read as immutable, without -shm or locks. Should a writer open it meanwhile, its commits
 * wait in its own -wal until a checkpoint, so a command reading for a moment sees the history as it
 * was when it started.
 */
const readable = (sqlite: BetterSqlite3.Database, path: string): BetterSqlite3.Database => {
  try {
    sqlite.pragma("schema_version");
    return sqlite;
  } catch (cause) {
    sqlite.close();
    if (!cannotMakeShm(cause) || walHoldsCommits(path)) throw cause;
    return readAsImmutable(path);
  }
};

/** A -wal with anything in it may hold commits the file does not; an empty one (a writer's failed open left it) holds none. */
const walHoldsCommits = (path: string): boolean => {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
};

const readAsImmutable = (path: string): BetterSqlite3.Database =>
  new BetterSqlite3(`${pathToFileURL(resolve(path)).href}?immutable=1`, {
    readonly: true,
    fileMustExist: true,
    timeout: BUSY_TIMEOUT_MS
  });

/** A reading connection: SQLite itself refuses every write, and a missing file is an error. */
const connectReadOnly = (path: string): Kysely<Database> => {
  allowUriFileNames();
  const opened = new BetterSqlite3(asFileName(path), { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  const sqlite = readable(opened, path);
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
