import type { Kysely, Migration } from "kysely";
import { Migrator } from "kysely";
import type { Database } from "./Database.js";
import { storeMessageOf } from "./errors.js";
import { inCodeMigrations } from "./migrations.js";

// Bringing a database's schema up to date, the same way on every backend. A backend says how it
// reads which migrations ran and how it keeps two processes from migrating at once.

export interface SchemaLock {
  /** Names of the migrations this database has run, in order; none when it has never been migrated. */
  readonly executed: (db: Kysely<Database>) => Promise<ReadonlyArray<string>>;
  /** Runs `work` while holding a lock no other process migrating this database can hold. */
  readonly exclusive: <A>(db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<A>) => Promise<A>;
  /** The schema kysely's own migration tables belong in, where a backend has schemas. */
  readonly tableSchema?: (db: Kysely<Database>) => Promise<string>;
}

export interface SchemaStatus {
  readonly applied: ReadonlyArray<string>;
  readonly pending: ReadonlyArray<string>;
  /** Applied here but unknown to this consortium: the database was written by a newer one. */
  readonly unknown: ReadonlyArray<string>;
}

export const schemaStatus = async (
  db: Kysely<Database>,
  lock: SchemaLock,
  list: Readonly<Record<string, Migration>>
): Promise<SchemaStatus> => {
  const known = Object.keys(list);
  const applied = await lock.executed(db);
  return {
    applied,
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name))
  };
};

const refuseNewer = (status: SchemaStatus, location: string, known: ReadonlyArray<string>): void => {
  if (status.unknown.length > 0) {
    throw new Error(
      `the database at ${location} has schema version ${status.unknown.at(-1)}, newer than this consortium knows (${known.at(-1)}); upgrade consortium or use another --db`
    );
  }
};

/**
 * Brings the schema to `list`'s last migration; returns the names it applied. Already current (the
 * usual case) costs one read and takes no lock; a database from a newer consortium is refused rather
 * than half-understood.
 */
export const migrate = async (
  db: Kysely<Database>,
  location: string,
  lock: SchemaLock,
  list: Readonly<Record<string, Migration>>
): Promise<ReadonlyArray<string>> => {
  const known = Object.keys(list);
  const before = await schemaStatus(db, lock, list);
  refuseNewer(before, location, known);
  if (before.pending.length === 0) return [];
  // Look again once the lock is ours: another process may have migrated while we waited.
  return lock.exclusive(db, async (locked) => {
    const status = await schemaStatus(locked, lock, list);
    refuseNewer(status, location, known);
    if (status.pending.length === 0) return [];
    const migrator = new Migrator({
      db: locked as unknown as Kysely<unknown>,
      provider: inCodeMigrations(list),
      ...(lock.tableSchema === undefined ? {} : { migrationTableSchema: await lock.tableSchema(locked) })
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((result) => result.status === "Error")?.migrationName;
      throw new Error(`migration ${failed ?? "of the schema"} failed: ${storeMessageOf(error)}`);
    }
    return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
  });
};
