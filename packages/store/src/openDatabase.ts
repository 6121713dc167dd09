import { Effect } from "effect";
import type { Migration } from "kysely";
import type { Backend } from "./Db.js";
import { messageOf, StoreError } from "./errors.js";
import { migrate, type SchemaLock, schemaStatus } from "./migrate.js";
import { displayUrl, isPostgresUrl } from "./postgres/url.js";
import { openSqlite, migrations as sqliteMigrations } from "./sqlite/openSqlite.js";

// The one place a location becomes a backend: a postgres:// or postgresql:// URL is a PostgreSQL
// server, anything else a SQLite file. A new backend is a folder beside sqlite/ and postgres/ with its
// connection, DialectSql, column types and SchemaLock, and one branch here.

export interface OpenBackend extends Backend {
  readonly lock: SchemaLock;
  readonly migrations: Readonly<Record<string, Migration>>;
}

// A read-only PostgreSQL store relies on the viewer issuing only reads; SQLite also refuses writes itself.
// The PostgreSQL half (and the `pg` client, ~30 ms to load) is imported only for a postgres:// URL.
export const connect = async (location: string, readOnly = false): Promise<OpenBackend> => {
  if (!isPostgresUrl(location)) return { ...openSqlite(location, { readOnly }), migrations: sqliteMigrations };
  const postgres = await import("./postgres/openPostgres.js");
  return { ...postgres.openPostgres(location), migrations: postgres.migrations };
};

/** The location as messages show it (a URL without its password). */
export const displayLocation = (location: string): string =>
  isPostgresUrl(location) ? displayUrl(location) : location;

/** A read-only connection cannot migrate: it takes the schema only when it is exactly current. */
const requireCurrent = async (backend: OpenBackend, list: Readonly<Record<string, Migration>>): Promise<void> => {
  const status = await schemaStatus(backend.db, backend.lock, list);
  if (status.pending.length > 0 || status.unknown.length > 0) {
    throw new Error(
      `its schema (${status.applied.at(-1) ?? "none"}) is not the one this consortium reads (${Object.keys(list).at(-1)}); open it once read-write (e.g. \`consortium runs\`) to migrate`
    );
  }
};

/**
 * Connects and brings the schema up to date (`list` defaults to every migration); closes when the
 * scope ends. Fails with a one-line StoreError naming the location. `readOnly` (the viewer) migrates
 * nothing and writes nothing: the schema must already be current.
 */
export const openDatabase = (
  location: string,
  list?: Readonly<Record<string, Migration>>,
  options: { readonly readOnly?: boolean } = {}
) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const backend = await connect(location, options.readOnly === true);
        try {
          if (options.readOnly === true) await requireCurrent(backend, list ?? backend.migrations);
          else await migrate(backend.db, backend.location, backend.lock, list ?? backend.migrations);
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
