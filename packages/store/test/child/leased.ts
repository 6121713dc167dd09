// A writer on "another host", for the lease tests. Bundled with esbuild by the test, run with node.
//   node leased.mjs <location> <dead|live> <run-id> <hostname> <started-ms-ago>
// dead: starts a run, records a call, and SIGKILLs itself. live: starts a run and keeps it going,
// renewing its lease every 200 ms; prints "renewed" once its lease has been renewed, then waits to
// be killed.

import { Effect } from "effect";
import { sql } from "kysely";
import { openDatabase } from "../../src/openDatabase.js";
import { Store } from "../../src/Store.js";
import { memberCall, runStarted } from "../fixtures.js";

const [location = "", mode = "dead", runId = "r", host = "host-a", agoMs = "0"] = process.argv.slice(2);
const startedAt = new Date(Date.now() - Number(agoMs)).toISOString();
const lease = { durationMs: 30_000, renewEveryMs: 200 };

const leaseUntil = Effect.scoped(
  Effect.flatMap(openDatabase(location), (backend) =>
    Effect.promise(async () => {
      const found = await sql<{ lease_until: string | null }>`select lease_until from runs where id = ${runId}`.execute(
        backend.db
      );
      return found.rows[0]?.lease_until ?? null;
    })
  )
);

const program = Effect.gen(function* () {
  const store = yield* Store;
  yield* store.runStarted(runStarted(runId, { startedAt }));
  yield* store.callEnded(memberCall(runId, 1, 1));
  if (mode === "dead") {
    process.kill(process.pid, "SIGKILL");
    yield* Effect.never;
  }
  const first = Date.parse(startedAt) + lease.durationMs;
  while (true) {
    const until = yield* leaseUntil;
    if (until !== null && Date.parse(until) > first) break;
    yield* Effect.sleep("50 millis");
  }
  process.stdout.write("renewed\n");
  yield* Effect.never;
}).pipe(
  Effect.provide(Store.layer(location, { writer: { pid: process.pid, hostname: host }, lease, isAlive: () => true }))
);

await Effect.runPromise(program);
