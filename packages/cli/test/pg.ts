import pg from "pg";

// The PostgreSQL test cluster the store's global setup starts (CONSORTIUM_TEST_PG=off skips it).

export const pgEnabled = process.env.CONSORTIUM_TEST_PG !== "off";

/** A URL whose tables live in a schema of their own on the test cluster. */
export const freshSchemaUrl = async (name: string): Promise<string> => {
  const admin = process.env.CONSORTIUM_TEST_PG_URL;
  if (admin === undefined || admin === "")
    throw new Error("CONSORTIUM_TEST_PG_URL is not set (see the store's test/pg)");
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create schema ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.searchParams.set("options", `-c search_path=${name}`);
  return url.toString();
};
