import { existsSync } from "node:fs";
import { messageOf } from "@consortium/config/messageOf";
import { makeRunId } from "@consortium/engine";
import { Effect } from "effect";
import type { Runner, RunOutcome, RunRequest } from "./Runner.js";
import { type RunnerOptions, type RunThread, startRunThread } from "./runThreadClient.js";

// serve's runs on a thread of their own, with the server's one runtime (one set of SDK clients, one
// store connection); the main thread reads requests, admits them and writes the answers. Under load
// each has a core's worth of work: a busy server's requests were answered late because its one
// thread was running other requests' runs.
//
// A run thread that dies (an uncaught error, out of memory) is replaced, and the server keeps
// serving: the main thread holds no state of a run but its request, so what the dead thread had is
// lost and nothing else. Its runs are answered with an error naming the cause (their calls ended with
// the thread) and marked `interrupted` in the store by the new thread; the rows they committed stay.
// Exiting instead would have cut every other request of the server with them, and a supervisor
// would only have started the same server again.

export type { RunnerOptions } from "./runThreadClient.js";

// The bundled CLI has the thread's entry beside its chunks (see the CLI's build); run from source
// there is none, and runs go on the main thread.
const threadFile = new URL("./run-thread.js", import.meta.url);

/** The runner on a thread of its own; undefined where there is no thread entry (run from source). */
export const makeThreadRunner = async (
  options: RunnerOptions,
  log: (line: string) => void
): Promise<Runner | undefined> => {
  if (!existsSync(threadFile)) return undefined;
  let disposing = false;
  let current: Promise<RunThread>;

  const died = (reason: string, runIds: ReadonlyArray<string>): void => {
    if (disposing) return;
    log(`${reason}: ${runIds.length} run(s) on it ended as errors; starting a new run thread`);
    current = start();
    void current.then(
      async (thread) => {
        if (runIds.length === 0 || options.noLog) return;
        const { marked, error } = await thread.markLost(runIds, `interrupted: ${reason}`);
        log(
          error === undefined
            ? `${marked} run(s) of the failed run thread marked interrupted in the store`
            : `could not mark the failed run thread's runs interrupted in the store: ${error}`
        );
      },
      (error: unknown) => log(`could not start a new run thread: ${messageOf(error)}`)
    );
  };
  const start = () => startRunThread(threadFile, options, died);
  current = start();
  await current;

  const run = async (request: RunRequest): Promise<RunOutcome> => {
    // made here, so the runs of a thread that dies can still be named
    const runId = Effect.runSync(makeRunId);
    let thread: RunThread;
    const starting = current;
    try {
      thread = await starting;
    } catch (error) {
      // the last replacement could not start: try again (once for the runs that were waiting on it)
      if (current === starting) current = start();
      try {
        thread = await current;
      } catch {
        const message = messageOf(error);
        return { _tag: "Error", runId, message: `no run thread: ${message}` };
      }
    }
    return thread.run(request, runId);
  };

  const dispose = async (): Promise<void> => {
    disposing = true;
    const thread = await current.catch(() => undefined);
    await thread?.dispose();
  };

  return { run, dispose };
};
