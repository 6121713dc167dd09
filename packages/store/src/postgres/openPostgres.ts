import { Kysely, type Migration, sql } from "kysely";
import pg from "pg";
import type { Database } from "../Database.js";
import type { Backend } from "../Db.js";
import type { SchemaLock } from "../migrate.js";
import { migrationsFor } from "../migrations.js";
import { PostgresStoreDialect } from "./PostgresStoreDialect.js";
import { postgresColumnTypes, postgresSql } from "./sql.js";
import { displayUrl } from "./url.js";

// A team's shared store: the same tables on a PostgreSQL server, named by a postgres:// URL.

export const migrations: Readonly<Record<string, Migration>> = migrationsFor(postgresColumnTypes);

const DEFAULT_POOL = 4;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The sslmodes that mean something else to node-postgres than to libpq: it verifies the server's
 * certificate for each (and warns on stderr, nine lines on every command, that it does). A URL means
 * what it means to psql and every other libpq client: `require` encrypts without verifying whom to
 * (the certificates of RDS and Supabase are signed by their own CAs, unknown to Node, so verifying
 * would refuse them), `verify-ca` needs `sslrootcert`, and `verify-full` (which pg already reads as
 * libpq does) is how a URL asks to check the server's name too.
 */
const LIBPQ_SSLMODES = new Set(["prefer", "require", "verify-ca"]);

/**
 * `?pool=N` sets how many connections this process may open; it is ours, not the server's. An sslmode
 * is read as libpq reads it (node-postgres's own switch for that, unless the URL already sets it).
 */
export const poolSettings = (url: string): { readonly connectionString: string; readonly max: number } => {
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode !== null && LIBPQ_SSLMODES.has(sslmode) && !parsed.searchParams.has("uselibpqcompat")) {
    parsed.searchParams.set("uselibpqcompat", "true");
  }
  const pool = parsed.searchParams.get("pool");
  parsed.searchParams.delete("pool");
  if (pool === null) return { connectionString: parsed.toString(), max: DEFAULT_POOL };
  const max = Number(pool);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw new Error(`pool=${pool} in the database URL must be a whole number from 1 to 100`);
  }
  return { connectionString: parsed.toString(), max };
};

// The repositories see what SQLite gives them: counts and sums as numbers, JSON as its text, times
// as ISO-8601 UTC strings (kept to the millisecond, as they were written).
const timestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
const parsers: ReadonlyMap<number, (text: string) => unknown> = new Map<number, (text: string) => unknown>([
  [pg.types.builtins.INT8, Number],
  [pg.types.builtins.NUMERIC, Number],
  [pg.types.builtins.JSON, (text) => text],
  [pg.types.builtins.JSONB, (text) => text],
  [pg.types.builtins.TIMESTAMPTZ, (text) => (timestamptz(text) as Date).toISOString()]
]);
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    parsers.get(oid) ?? pg.types.getTypeParser(oid, format as "text")
};

/** Any constant will do, as long as every consortium uses the same one. */
const MIGRATION_LOCK_KEY = 7_262_011_615_141;

export const postgresSchemaLock: SchemaLock = {
  executed: async (db) => {
    const found = await sql<{
      present: boolean;
    }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
    if (found.rows[0]?.present !== true) return [];
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    return rows.rows.map((row) => row.name);
  },
  // kysely looks for its tables in every schema unless told one: name the schema ours live in, so
  // another application's migrations elsewhere in the database are not taken for ours.
  tableSchema: async (db) => {
    const found = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    const schema = found.rows[0]?.schema;
    if (schema === undefined || schema === null) throw new Error("no schema to create tables in (check search_path)");
    return schema;
  },
  // A session-level advisory lock on one connection, held across the whole migration, so processes
  // starting together against a new database wait for each other instead of racing to create tables.
  exclusive: (db, work) =>
    db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
      try {
        return await work(connection);
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
      }
    })
};

/** A pool on the server the URL names; nothing is sent until the first query. */
export const openPostgres = (url: string): Backend & { readonly lock: SchemaLock } => {
  const settings = poolSettings(url);
  const pool = new pg.Pool({ ...settings, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types });
  // An idle connection the server drops is reported here; the next query fails and says why.
  pool.on("error", () => undefined);
  return {
    db: new Kysely<Database>({ dialect: new PostgresStoreDialect({ pool }) }),
    location: displayUrl(url),
    sql: postgresSql,
    lock: postgresSchemaLock
  };
};
