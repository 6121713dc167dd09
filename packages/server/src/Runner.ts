import type { ConsortiumConfig } from "@consortium/config";
import { messageOf } from "@consortium/config/messageOf";
import {
  describeStartError,
  makeRunId,
  type RunEvent,
  RunEvents,
  RunLog,
  runConsortium,
  type Turn
} from "@consortium/engine";
import { stderrLogger } from "@consortium/engine/text";
import { LlmClientLive, MissingApiKey, UnknownProvider } from "@consortium/providers";
import { isPostgresUrl, resolveDbPath, Store, StoreRunLog } from "@consortium/store";
import { Cause, Effect, Exit, Layer, Logger, ManagedRuntime, Option } from "effect";
import { findConversation } from "./conversationLink.js";
import { type RunSummary, summarise } from "./runSummary.js";
import { makeStoreWriter } from "./storeWriter.js";

// One runtime for every request a server answers: one set of SDK clients (connections are reused
// across runs) and one database connection. Each run is a fiber on it; aborting a run's signal
// interrupts that fiber, which records the run `interrupted` and aborts its HTTP calls.

export interface RunRequest {
  readonly config: ConsortiumConfig;
  readonly prompt: string;
  readonly history: ReadonlyArray<Turn>;
  /** "serve" or "mcp": stored with the run. */
  readonly origin: string;
  readonly signal: AbortSignal;
  /** Made by the runner when not given. */
  readonly runId?: string;
  readonly onEvent?: (event: RunEvent) => void;
  /** Send the answer to `onEvent` as it is written (SynthesisDelta, SynthesisFinal). */
  readonly streamSynthesis?: boolean;
}

export type RunOutcome =
  | { readonly _tag: "Finished"; readonly result: RunSummary }
  | { readonly _tag: "Interrupted"; readonly runId: string }
  /**
   * The run could not start (a missing key, an unknown provider) or hit a bug: one line. `interrupted`
   * when it was cut short by its thread's death (and is so stored); otherwise it is `failed`.
   */
  | { readonly _tag: "Error"; readonly runId: string; readonly message: string; readonly interrupted?: true };

export interface Runner {
  readonly run: (request: RunRequest) => Promise<RunOutcome>;
  /** Closes the database once every run has ended. */
  readonly dispose: () => Promise<void>;
}

/** The server cannot start (the database cannot be opened, the port is taken): one line, exit 2. */
export class StartFailed extends Error {
  override readonly name = "StartFailed";
}

const isStartError = (error: unknown): error is MissingApiKey | UnknownProvider =>
  error instanceof MissingApiKey || error instanceof UnknownProvider;

/** Builds the runtime at once, so a database that cannot be opened fails the start, not a request. */
export const makeRunner = async (options: { readonly db: string | undefined; readonly noLog: boolean }) => {
  const path = options.noLog ? undefined : resolveDbPath({ flag: options.db });
  // A SQLite file is written from a thread of its own (storeWriter.ts); a PostgreSQL server already
  // does its work elsewhere.
  const writer = path === undefined || isPostgresUrl(path) ? undefined : makeStoreWriter(path);
  const log: Layer.Layer<RunLog, unknown> =
    path === undefined
      ? RunLog.none
      : StoreRunLog.layerWithStore(path, writer === undefined ? {} : { commitWrites: writer.commit });
  // no listener by default, built once: only a streamed request provides its own
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(LlmClientLive, log, RunEvents.none, Logger.replace(Logger.defaultLogger, stderrLogger))
  );
  const built = await Effect.runPromiseExit(runtime.runtimeEffect);
  if (Exit.isFailure(built)) {
    await writer?.close();
    const error = Cause.squash(built.cause);
    throw new StartFailed(`database: ${messageOf(error)}`);
  }
  const run = async (request: RunRequest): Promise<RunOutcome> => {
    const runId = request.runId ?? (await runtime.runPromise(makeRunId));
    // a follow-up from a chat client joins the stored conversation its history came from
    const run = Effect.flatMap(findConversation(request.config.name, request.history), (conversation) =>
      runConsortium(request.config, request.prompt, {
        runId,
        history: request.history,
        origin: request.origin,
        ...(conversation === undefined ? {} : { conversation }),
        ...(request.streamSynthesis === true ? { streamSynthesis: true } : {})
      })
    );
    const program =
      request.onEvent === undefined ? run : run.pipe(Effect.provide(RunEvents.fromCallback(request.onEvent)));
    const exit = await runtime.runPromiseExit(program, { signal: request.signal });
    if (Exit.isSuccess(exit)) return { _tag: "Finished", result: summarise(exit.value) };
    if (Cause.isInterruptedOnly(exit.cause)) return { _tag: "Interrupted", runId };
    const failure = Cause.failureOption(exit.cause);
    if (failure._tag === "Some" && isStartError(failure.value)) {
      return { _tag: "Error", runId, message: describeStartError(failure.value) };
    }
    return { _tag: "Error", runId, message: `internal error: ${Cause.pretty(exit.cause).split("\n")[0] ?? "unknown"}` };
  };
  /** Marks runs this runtime did not run to their end (their thread died) `interrupted`; how many were. */
  const interruptLost = (runIds: ReadonlyArray<string>, reason: string): Promise<number> =>
    runtime.runPromise(
      Effect.flatMap(Effect.serviceOption(Store), (store) =>
        Option.isNone(store) ? Effect.succeed(0) : store.value.interruptRuns(runIds, reason)
      )
    );
  const dispose = async () => {
    // the store commits what is waiting before it closes; the writer thread ends after it
    await runtime.dispose();
    await writer?.close();
  };
  const runner: Runner = { run, dispose };
  return { ...runner, interruptLost };
};
