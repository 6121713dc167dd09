import { join } from "node:path";
import pg from "pg";
import { tempDir } from "./fixtures.js";

// The backends every parameterised store test runs against. PostgreSQL is there unless
// CONSORTIUM_TEST_PG=off; each test gets its own schema on the shared test cluster (see pg/), so
// tests neither see each other's rows nor need a database each.

export interface TestBackend {
  readonly name: "sqlite" | "postgres";
  /** A new, empty database location: a file path or a postgres:// URL. */
  readonly fresh: () => Promise<string>;
}

export const pgEnabled = process.env.CONSORTIUM_TEST_PG !== "off";

/** The test cluster's URL; a missing one is a broken setup, never a reason to skip. */
export const pgAdminUrl = (): string => {
  const url = process.env.CONSORTIUM_TEST_PG_URL;
  if (url === undefined || url === "") {
    throw new Error(
      "CONSORTIUM_TEST_PG_URL is not set: the store's global setup starts PostgreSQL, or set CONSORTIUM_TEST_PG=off"
    );
  }
  return url;
};

/** Runs statements as the cluster's owner. */
export const asAdmin = async <A>(work: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: pgAdminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

let schemas = 0;

/** A URL whose tables live in a new, empty schema. */
export const freshPgUrl = async (): Promise<string> => {
  const schema = `t_${process.pid}_${++schemas}`;
  await asAdmin((client) => client.query(`create schema ${schema}`));
  const url = new URL(pgAdminUrl());
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
};

const tmp = tempDir();
let files = 0;

export const sqliteBackend: TestBackend = {
  name: "sqlite",
  fresh: () => Promise.resolve(join(tmp.dir, `db-${++files}.db`))
};

export const postgresBackend: TestBackend = { name: "postgres", fresh: freshPgUrl };

export const backends: ReadonlyArray<TestBackend> = pgEnabled ? [sqliteBackend, postgresBackend] : [sqliteBackend];

export const cleanupBackends = tmp.cleanup;
