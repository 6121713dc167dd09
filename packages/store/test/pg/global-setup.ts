import { startCluster } from "./cluster.js";

// Starts one PostgreSQL cluster for the whole test run and hands its URL to every test process in
// CONSORTIUM_TEST_PG_URL. CONSORTIUM_TEST_PG=off skips it (and the tests that need it); a URL already
// set is used as it is (a server someone runs for us).

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.CONSORTIUM_TEST_PG === "off") return undefined;
  if (process.env.CONSORTIUM_TEST_PG_URL !== undefined && process.env.CONSORTIUM_TEST_PG_URL !== "") return undefined;
  const cluster = await startCluster();
  process.env.CONSORTIUM_TEST_PG_URL = cluster.url;
  return () => cluster.stop();
}
