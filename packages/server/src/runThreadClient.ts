import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { ConsortiumConfig } from "@consortium/config";
import type { RunEvent, Turn } from "@consortium/engine";
import { type Runner, type RunOutcome, type RunRequest, StartFailed } from "./Runner.js";

// serve's runs on a thread of their own, with the server's one runtime (one set of SDK clients, one
// store); the main thread reads requests, admits them and writes the answers. Under load each has a
// core's worth of work: a busy server's requests were answered late because its one thread was
// running other requests' runs. The run thread also gets a larger young generation than V8's default:
// a burst of runs keeps tens of megabytes of short-lived objects alive at once, which the default
// size collected (copying the live ones) many times a second.
//
// Its run is the same as on the main thread: an abort is sent across and interrupts the run, its
// events come back in order, and the outcome is a copy of the RunResult.

export interface RunnerOptions {
  readonly db: string | undefined;
  readonly noLog: boolean;
}

export type ThreadRequest =
  | {
      readonly type: "run";
      readonly id: number;
      readonly configId: number;
      /** Sent with the first run of each config object; later runs name it by id. */
      readonly config?: ConsortiumConfig;
      readonly prompt: string;
      readonly history: ReadonlyArray<Turn>;
      readonly origin: string;
      readonly events: boolean;
      readonly streamSynthesis: boolean;
    }
  | { readonly type: "abort"; readonly id: number }
  | { readonly type: "forget"; readonly configId: number }
  | { readonly type: "dispose" };

export type ThreadReply =
  | { readonly type: "ready" }
  | { readonly type: "startFailed"; readonly message: string; readonly startFailed: boolean }
  | { readonly type: "event"; readonly id: number; readonly event: RunEvent }
  | { readonly type: "done"; readonly id: number; readonly outcome: RunOutcome }
  | { readonly type: "disposed" };

// The bundled CLI has the thread's entry beside its chunks (see the CLI's build); run from source
// there is none, and runs go on the main thread.
const threadFile = new URL("./run-thread.js", import.meta.url);

/** V8's default is 32 MB (two 16 MB semi-spaces); 192 MB gives 64 MB semi-spaces. */
const YOUNG_GENERATION_MB = 192;

/** Configs the thread keeps (a client's system message makes a config of its own per request). */
const KEPT_CONFIGS = 32;

interface Pending {
  readonly resolve: (outcome: RunOutcome) => void;
  readonly onEvent: ((event: RunEvent) => void) | undefined;
}

/** The runner on its own thread; undefined where there is no thread entry (run from source). */
export const makeThreadRunner = async (options: RunnerOptions): Promise<Runner | undefined> => {
  if (!existsSync(threadFile)) return undefined;
  const worker = new Worker(threadFile, {
    workerData: options,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  });
  const pending = new Map<number, Pending>();
  // config objects the thread holds, least recently used first
  const kept = new Map<ConsortiumConfig, number>();
  let nextRun = 0;
  let nextConfig = 0;
  let stopped: string | undefined;
  let disposed: (() => void) | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    worker.on("message", (message: ThreadReply) => {
      switch (message.type) {
        case "ready":
          return resolve();
        case "startFailed":
          return reject(message.startFailed ? new StartFailed(message.message) : new Error(message.message));
        case "event":
          return pending.get(message.id)?.onEvent?.(message.event);
        case "done": {
          const waiting = pending.get(message.id);
          pending.delete(message.id);
          return waiting?.resolve(message.outcome);
        }
        case "disposed":
          return disposed?.();
      }
    });
    // A thread that dies ends the runs it had as errors; later runs are refused the same way.
    const stop = (reason: string) => {
      stopped ??= reason;
      reject(new Error(reason));
      for (const waiting of pending.values()) waiting.resolve({ _tag: "Error", runId: "-", message: reason });
      pending.clear();
      disposed?.();
    };
    worker.on("error", (error) => stop(`the run thread failed: ${error.message}`));
    worker.on("exit", (code) => stop(`the run thread stopped (exit code ${code})`));
  });
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  const post = (request: ThreadRequest) => worker.postMessage(request);

  const configIdOf = (config: ConsortiumConfig): { configId: number; config?: ConsortiumConfig } => {
    const known = kept.get(config);
    if (known !== undefined) {
      kept.delete(config);
      kept.set(config, known);
      return { configId: known };
    }
    const configId = nextConfig++;
    kept.set(config, configId);
    if (kept.size > KEPT_CONFIGS) {
      const [oldest, oldestId] = kept.entries().next().value as [ConsortiumConfig, number];
      kept.delete(oldest);
      post({ type: "forget", configId: oldestId });
    }
    return { configId, config };
  };

  const run = (request: RunRequest): Promise<RunOutcome> => {
    if (stopped !== undefined) return Promise.resolve({ _tag: "Error", runId: "-", message: stopped });
    const id = nextRun++;
    const abort = () => post({ type: "abort", id });
    return new Promise<RunOutcome>((resolve) => {
      pending.set(id, { resolve, onEvent: request.onEvent });
      post({
        type: "run",
        id,
        ...configIdOf(request.config),
        prompt: request.prompt,
        history: request.history,
        origin: request.origin,
        events: request.onEvent !== undefined,
        streamSynthesis: request.streamSynthesis === true
      });
      if (request.signal.aborted) abort();
      else request.signal.addEventListener("abort", abort, { once: true });
    }).finally(() => request.signal.removeEventListener("abort", abort));
  };

  // the thread closes its runtime (the store commits what is waiting first), then ends
  const dispose = async (): Promise<void> => {
    if (stopped !== undefined) return;
    const done = new Promise<void>((resolve) => {
      disposed = resolve;
    });
    post({ type: "dispose" });
    await done;
  };

  return { run, dispose };
};
