import { Worker } from "node:worker_threads";
import type { ConsortiumConfig } from "@consortium/config";
import type { RunEvent, Turn } from "@consortium/engine";
import { type RunOutcome, type RunRequest, StartFailed } from "./Runner.js";

// One run thread seen from the main thread: runs, aborts and events cross by message. The thread has
// its own runtime (one set of SDK clients, one store connection). It also gets a larger young
// generation than V8's default: a burst of runs keeps tens of megabytes of short-lived objects alive
// at once, which the default size collected (copying the live ones) many times a second.

export interface RunnerOptions {
  readonly db: string | undefined;
  readonly noLog: boolean;
}

export type ThreadRequest =
  | {
      readonly type: "run";
      readonly id: number;
      readonly runId: string;
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
  /** Runs another thread had when it died: marked `interrupted` in the store with the reason. */
  | { readonly type: "lost"; readonly runIds: ReadonlyArray<string>; readonly reason: string }
  | { readonly type: "dispose" };

export type ThreadReply =
  | { readonly type: "ready" }
  | { readonly type: "startFailed"; readonly message: string; readonly startFailed: boolean }
  | { readonly type: "event"; readonly id: number; readonly event: RunEvent }
  | { readonly type: "done"; readonly id: number; readonly outcome: RunOutcome }
  /** How many of the lost runs were still `running` in the store and are now `interrupted`, or why none could be. */
  | { readonly type: "lostMarked"; readonly marked: number; readonly error?: string }
  | { readonly type: "disposed" };

/** V8's default is 32 MB (two 16 MB semi-spaces); 192 MB gives 64 MB semi-spaces. */
const YOUNG_GENERATION_MB = 192;

/** Configs the thread keeps (a client's system message makes a config of its own per request). */
const KEPT_CONFIGS = 32;

interface Pending {
  readonly runId: string;
  readonly resolve: (outcome: RunOutcome) => void;
  readonly onEvent: ((event: RunEvent) => void) | undefined;
}

export interface RunThread {
  readonly run: (request: RunRequest, runId: string) => Promise<RunOutcome>;
  /** Runs sent to the thread that have not ended. */
  readonly load: () => number;
  /** Marks a dead thread's runs `interrupted` in the store; says how many, or why none could be. */
  readonly markLost: (runIds: ReadonlyArray<string>, reason: string) => Promise<{ marked: number; error?: string }>;
  /** Closes the thread's runtime once its runs have ended (the store commits what waits), then ends it. */
  readonly dispose: () => Promise<void>;
}

/**
 * Starts a run thread and waits until its runtime is built. `died` is called once if the thread ends
 * other than by `dispose` (an uncaught error, out of memory): its runs have then already ended as
 * errors, and their ids are passed on.
 */
export const startRunThread = async (
  file: URL,
  options: RunnerOptions,
  died: (reason: string, runIds: ReadonlyArray<string>) => void
): Promise<RunThread> => {
  const worker = new Worker(file, {
    workerData: options,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  });
  const pending = new Map<number, Pending>();
  // config objects the thread holds, least recently used first
  const kept = new Map<ConsortiumConfig, number>();
  let nextRun = 0;
  let nextConfig = 0;
  let started = false;
  let stopped: string | undefined;
  let disposing = false;
  let disposed: (() => void) | undefined;
  // the thread answers "lost" requests in order
  const marking: Array<(result: { marked: number; error?: string }) => void> = [];

  const ready = new Promise<void>((resolve, reject) => {
    worker.on("message", (message: ThreadReply) => {
      switch (message.type) {
        case "ready":
          started = true;
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
        case "lostMarked":
          return marking.shift()?.(message.error === undefined ? { marked: message.marked } : message);
        case "disposed":
          return disposed?.();
      }
    });
    // The thread's end, whether asked for or not: runs it still had end as errors with their ids,
    // later runs are refused the same way. Only an end nobody asked for is a death to report.
    const stop = (reason: string) => {
      if (stopped !== undefined) return;
      stopped = reason;
      reject(new Error(reason));
      const runIds = [...pending.values()].map((waiting) => waiting.runId);
      for (const waiting of pending.values()) {
        waiting.resolve({ _tag: "Error", runId: waiting.runId, message: reason, interrupted: true });
      }
      pending.clear();
      for (const waiting of marking.splice(0)) waiting({ marked: 0, error: reason });
      disposed?.();
      if (started && !disposing) died(reason, runIds);
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

  const run = (request: RunRequest, runId: string): Promise<RunOutcome> => {
    if (stopped !== undefined) return Promise.resolve({ _tag: "Error", runId, message: stopped });
    const id = nextRun++;
    const abort = () => post({ type: "abort", id });
    return new Promise<RunOutcome>((resolve) => {
      pending.set(id, { runId, resolve, onEvent: request.onEvent });
      post({
        type: "run",
        id,
        runId,
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

  const dispose = async (): Promise<void> => {
    disposing = true;
    if (stopped !== undefined) return;
    const done = new Promise<void>((resolve) => {
      disposed = resolve;
    });
    post({ type: "dispose" });
    await done;
  };

  const markLost = (runIds: ReadonlyArray<string>, reason: string) =>
    new Promise<{ marked: number; error?: string }>((resolve) => {
      if (stopped !== undefined) return resolve({ marked: 0, error: stopped });
      marking.push(resolve);
      post({ type: "lost", runIds, reason });
    });

  return { run, load: () => pending.size, markLost, dispose };
};
