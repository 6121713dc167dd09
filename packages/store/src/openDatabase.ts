import { Effect } from "effect";
import type { Migration } from "kysely";
import type { Backend } from "./Db.js";
import { messageOf, StoreError } from "./errors.js";
import { migrate, type SchemaLock } from "./migrate.js";
import { openSqlite, migrations as sqliteMigrations } from "./sqlite/openSqlite.js";

// The one place a location becomes a backend. A new backend (PostgreSQL, say) is a folder beside
// sqlite/ with its connection, DialectSql, column types and SchemaLock, and one branch here.

export interface OpenBackend extends Backend {
  readonly lock: SchemaLock;
  readonly migrations: Readonly<Record<string, Migration>>;
}

const connect = (location: string): OpenBackend => ({ ...openSqlite(location), migrations: sqliteMigrations });

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
          path: location,
          message: `cannot open the database at ${location}: ${messageOf(cause)}`
        })
    }),
    (backend) => Effect.promise(() => backend.db.destroy())
  );
