// A separate process writing runs into a shared database, for the multi-process tests. Bundled with
// esbuild by the test and run with plain `node`.
//   node writer.mjs <db> <writer-id> <runs> <calls-per-run> <start-at-ms> [crash]
// "crash" starts one run, records two calls and kills itself with SIGKILL, as a crash would.

import { RunLog } from "@consortium/engine";
import { Effect, Logger } from "effect";
// The file itself rather than the package index: keeps eval (and ajv) out of the bundle, so it starts fast.
import { StoreRunLog } from "../../src/StoreRunLog.js";
import { memberCall, runEnded, runStarted } from "../fixtures.js";

const [path = "", writer = "0", runs = "1", calls = "1", startAt = "0", mode = "normal"] = process.argv.slice(2);

let warned = false;
const strictLogger = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ message }) => {
    warned = true;
    process.stderr.write(`${String(message)}\n`);
  })
);

const program = Effect.gen(function* () {
  const log = yield* RunLog;
  if (mode === "crash") {
    const runId = `crash-${writer}`;
    yield* log.runStarted(runStarted(runId));
    yield* log.callEnded(memberCall(runId, 1, 1));
    yield* log.callEnded(memberCall(runId, 1, 2));
    process.kill(process.pid, "SIGKILL");
    yield* Effect.never;
  }
  for (let run = 1; run <= Number(runs); run++) {
    const runId = `w${writer}-r${String(run).padStart(3, "0")}`;
    yield* log.runStarted(runStarted(runId));
    for (let call = 1; call <= Number(calls); call++) yield* log.callEnded(memberCall(runId, 1, call));
    yield* log.runEnded(runEnded(runId, "completed"));
  }
});

// Start together, so the processes also race to create and migrate the database.
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
await Effect.runPromise(program.pipe(Effect.provide(StoreRunLog.layerWithStore(path)), Effect.provide(strictLogger)));
process.exit(warned ? 1 : 0);
