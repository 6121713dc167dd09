import { Effect } from "effect";
import type { Migration } from "kysely";
import type { Backend } from "./Db.js";
import { messageOf, StoreError } from "./errors.js";
import { migrate, type SchemaLock } from "./migrate.js";
import { displayUrl, isPostgresUrl, openPostgres, migrations as postgresMigrations } from "./postgres/openPostgres.js";
import { openSqlite, migrations as sqliteMigrations } from "./sqlite/openSqlite.js";

// The one place a location becomes a backend: a postgres:// or postgresql:// URL is a PostgreSQL
// server, anything else a SQLite file. A new backend is a folder beside sqlite/ and postgres/ with its
// connection, DialectSql, column types and SchemaLock, and one branch here.

export interface OpenBackend extends Backend {
  readonly lock: SchemaLock;
  readonly migrations: Readonly<Record<string, Migration>>;
}

export const connect = (location: string): OpenBackend =>
  isPostgresUrl(location)
    ? { ...openPostgres(location), migrations: postgresMigrations }
    : { ...openSqlite(location), migrations: sqliteMigrations };

/** The location as messages show it (a URL without its password). */
export const displayLocation = (location: string): string =>
  isPostgresUrl(location) ? displayUrl(location) : location;

/**
 * Connects and brings the schema up to date (`list` defaults to every migration); closes when the
 * scope ends. Fails with a one-line StoreError naming the location.
 */
export const openDatabase = (location: string, list?: Readonly<Record<string, Migration>>) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const backend = connect(location);
        try {
          await migrate(backend.db, backend.location, backend.lock, list ?? backend.migrations);
        } catch (cause) {
          await backend.db.destroy();
          throw cause;
        }
        return backend;
      },
      catch: (cause) =>
        new StoreError({
          operation: "open",
          path: displayLocation(location),
          message: `cannot open the database at ${displayLocation(location)}: ${messageOf(cause)}`
        })
    }),
    (backend) => Effect.promise(() => backend.db.destroy())
  );
