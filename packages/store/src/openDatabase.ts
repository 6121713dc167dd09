import { existsSync } from "node:fs";
import { Effect } from "effect";
import type { Migration } from "kysely";
import type { Backend } from "./Db.js";
import { StoreError, storeMessageOf } from "./errors.js";
import { migrate, type SchemaLock, schemaStatus } from "./migrate.js";
import { displayUrl, isPostgresUrl } from "./postgres/url.js";
import { openSqlite, migrations as sqliteMigrations, sqliteWritable } from "./sqlite/openSqlite.js";

// The one place a location becomes a backend: a postgres:// or postgresql:// URL is a PostgreSQL
// server, any other URL is refused, anything else is a SQLite file. A new backend is a folder beside
// sqlite/ and postgres/ with its connection, DialectSql, column types and SchemaLock, and one branch here.

export interface OpenBackend extends Backend {
  readonly lock: SchemaLock;
  readonly migrations: Readonly<Record<string, Migration>>;
  /** Opened to read only (asked for, or a SQLite file a reading command may not write): nothing is written. */
  readonly readOnly: boolean;
}

export interface ConnectOptions {
  /** Reading only (the viewer): SQLite refuses writes itself; a PostgreSQL store relies on only reads being sent. */
  readonly readOnly?: boolean;
  /**
   * For commands that only read: a SQLite file that is not there is an error instead of a new,
   * empty database (a mistyped path would otherwise leave files behind and show an empty history),
   * and one this process may not write is opened read-only.
   */
  readonly mustExist?: boolean;
}

/** Any scheme followed by "://": a URL, never a file name (`postgress://user:pw@host/db` is a typo). */
const URL_SHAPED = /^([a-z][a-z0-9+.-]*):\/\//i;

/** Why a location cannot be a database, or undefined when it can be tried. */
const refusedLocation = (location: string, options: ConnectOptions): string | undefined => {
  const scheme = URL_SHAPED.exec(location)?.[1];
  if (scheme !== undefined && !isPostgresUrl(location)) {
    return `a ${scheme}:// URL is not a database consortium can use (a postgres:// or postgresql:// URL, or a SQLite file path)`;
  }
  if (options.mustExist === true && !isInMemory(location) && !isPostgresUrl(location) && !existsSync(location)) {
    return "no such file: nothing has been recorded there (run, eval, serve and mcp create it)";
  }
  return undefined;
};

const isInMemory = (location: string): boolean => location === "" || location === ":memory:";

// The PostgreSQL half (and the `pg` client, ~30 ms to load) is imported only for a postgres:// URL.
export const connect = async (location: string, options: ConnectOptions = {}): Promise<OpenBackend> => {
  const refused = refusedLocation(location, options);
  if (refused !== undefined) throw new Error(refused);
  if (!isPostgresUrl(location)) {
    const readOnly = options.readOnly === true || (options.mustExist === true && !sqliteWritable(location));
    return { ...openSqlite(location, { readOnly }), migrations: sqliteMigrations, readOnly };
  }
  const postgres = await import("./postgres/openPostgres.js");
  return { ...postgres.openPostgres(location), migrations: postgres.migrations, readOnly: options.readOnly === true };
};

/** The location as messages show it (a URL, of any scheme, without its password). */
export const displayLocation = (location: string): string =>
  URL_SHAPED.test(location) ? displayUrl(location) : location;

/** A read-only connection cannot migrate: it takes the schema only when it is exactly current. */
const requireCurrent = async (backend: OpenBackend, list: Readonly<Record<string, Migration>>): Promise<void> => {
  const status = await schemaStatus(backend.db, backend.lock, list);
  if (status.pending.length > 0 || status.unknown.length > 0) {
    throw new Error(
      `its schema (${status.applied.at(-1) ?? "none"}) is not the one this consortium reads (${Object.keys(list).at(-1)}); open it once with write access (e.g. \`consortium db migrate\`) to migrate it`
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
  options: ConnectOptions = {}
) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const backend = await connect(location, options);
        try {
          if (backend.readOnly) await requireCurrent(backend, list ?? backend.migrations);
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
          message: `cannot open the database at ${displayLocation(location)}: ${storeMessageOf(cause)}`
        })
    }),
    (backend) => Effect.promise(() => backend.db.destroy())
  );
