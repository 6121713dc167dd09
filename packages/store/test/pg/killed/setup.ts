import { startCluster } from "../cluster.js";

// A test run's global setup that starts the cluster, says where it is, and never ends: the test
// that spawns this run kills it there, before any teardown.
export default async function setup(): Promise<void> {
  const cluster = await startCluster();
  process.stdout.write(`cluster ${cluster.dir}\n`);
  // a pending timer, or node would end the run here for want of anything to wait on
  await new Promise(() => setInterval(() => {}, 60_000));
}
