import {
  ConfigError,
  type ConsortiumConfig,
  consortiumFromObject,
  formatConfigError,
  loadConsortiumFile
} from "@consortium/config";
import { type Env, keyVariablesOf, type LlmClient, layerLlmClient } from "@consortium/providers";
import { Cause, Effect, Either, Exit, Layer } from "effect";
import { turnsOf } from "./conversation.js";
import { type RunEvent, RunEvents } from "./RunEvents.js";
import { RunLog } from "./RunLog.js";
import type { RunResult } from "./result.js";
import { type RunOptions, runConsortium } from "./runConsortium.js";
import { type ConsortiumSpecData, toFileShape } from "./spec.js";
import { describeStartError } from "./startErrors.js";

// The Promise API for plain TypeScript: load or build a consortium, then `await consortium.run(prompt)`.
// A thin shell over runConsortium; it returns the same RunResult the CLI prints with --json.

export interface ConsortiumOptions {
  /** The model client. Default: the live client over the official SDKs, reading `env`. */
  readonly client?: Layer.Layer<LlmClient>;
  /** Where runs are recorded. Default: nowhere (RunLog.none); pass the store's layer to keep them. */
  readonly log?: Layer.Layer<RunLog>;
  /** Keys and base URLs come from here. Default: process.env. */
  readonly env?: Env;
}

export interface ConsortiumRunOptions extends Omit<RunOptions, "env"> {
  /** Live progress: every member's start, retry and end, each round's verdict. */
  readonly onEvent?: (event: RunEvent) => void;
  /** Aborting stops the run: it is recorded as `interrupted` and the promise resolves with that result. */
  readonly signal?: AbortSignal;
}

/**
 * A run's result, plus `continue(prompt)`: the next turn of the same conversation (this prompt and
 * synthesis become prior messages). `continue` is not enumerable, so JSON.stringify gives the plain
 * result object.
 */
export type ConsortiumResult = RunResult & {
  readonly continue: (prompt: string, options?: ConsortiumRunOptions) => Promise<ConsortiumResult>;
};

export interface Consortium {
  readonly config: ConsortiumConfig;
  /**
   * Runs the consortium on `prompt` (after `options.history`, the earlier turns, if any). Resolves with
   * the result whatever its status (completed, degraded, failed, interrupted); rejects only when the
   * run cannot start (a missing API key, an unknown provider) or on a bug.
   */
  readonly run: (prompt: string, options?: ConsortiumRunOptions) => Promise<ConsortiumResult>;
}

/** An invalid consortium file or object; the message lists every issue, one per line. */
export class InvalidConsortiumError extends Error {
  override readonly name = "InvalidConsortiumError";
  constructor(readonly configError: ConfigError) {
    super(formatConfigError(configError));
  }
}

/** A run that could not start: a missing API key or an unknown provider. */
export class RunNotStartedError extends Error {
  override readonly name = "RunNotStartedError";
}

/** One run through the Effect API, as a Promise. */
const runOnce = async (
  config: ConsortiumConfig,
  options: ConsortiumOptions,
  prompt: string,
  runOptions: ConsortiumRunOptions
): Promise<RunResult> => {
  const { onEvent, signal, ...rest } = runOptions;
  // Kept so an aborted run can still resolve with the result it recorded.
  let ended: RunResult | undefined;
  const log = options.log ?? RunLog.none;
  const capture = Layer.effect(
    RunLog,
    Effect.map(RunLog, (inner) => ({
      ...inner,
      runEnded: (run) =>
        Effect.zipRight(
          Effect.sync(() => {
            ended = run.result;
          }),
          inner.runEnded(run)
        )
    }))
  ).pipe(Layer.provide(log));
  const layer = Layer.mergeAll(
    options.client ??
      layerLlmClient({
        env: options.env ?? process.env,
        secretVariables: keyVariablesOf(Object.values(config.providers))
      }),
    capture,
    onEvent === undefined ? RunEvents.none : RunEvents.fromCallback(onEvent)
  );
  const program = runConsortium(config, prompt, {
    ...rest,
    ...(options.env === undefined ? {} : { env: options.env })
  });
  const exit = await Effect.runPromiseExit(Effect.provide(program, layer), signal === undefined ? {} : { signal });
  if (Exit.isSuccess(exit)) return exit.value;
  if (Cause.isInterruptedOnly(exit.cause) && ended !== undefined) return ended;
  const failure = Cause.failureOption(exit.cause);
  if (failure._tag === "Some") throw new RunNotStartedError(describeStartError(failure.value));
  throw Cause.squash(exit.cause);
};

/** Adds `continue` to a result: the history grows by this exchange, the conversation stays the same. */
const continuable = (
  result: RunResult,
  runOptions: ConsortiumRunOptions,
  run: (prompt: string, options: ConsortiumRunOptions) => Promise<ConsortiumResult>
): ConsortiumResult => {
  const history = [
    ...(runOptions.history ?? []),
    ...turnsOf([{ prompt: result.prompt, answer: result.synthesis?.text ?? null }])
  ];
  const conversation = { id: runOptions.conversation?.id ?? result.runId, parentRunId: result.runId };
  return Object.defineProperty({ ...result }, "continue", {
    enumerable: false,
    value: (prompt: string, options: ConsortiumRunOptions = {}) => run(prompt, { ...options, history, conversation })
  }) as ConsortiumResult;
};

const makeConsortium = (config: ConsortiumConfig, options: ConsortiumOptions): Consortium => {
  const run = async (prompt: string, runOptions: ConsortiumRunOptions = {}): Promise<ConsortiumResult> =>
    continuable(await runOnce(config, options, prompt, runOptions), runOptions, run);
  return { config, run };
};

/** Loads and validates a consortium file (YAML). Rejects with InvalidConsortiumError listing every issue. */
export const loadConsortium = async (file: string, options: ConsortiumOptions = {}): Promise<Consortium> => {
  const loaded = await Effect.runPromise(Effect.either(loadConsortiumFile(file)));
  if (Either.isLeft(loaded)) throw new InvalidConsortiumError(loaded.left);
  return makeConsortium(loaded.right, options);
};

/** `createConsortium`'s input: the file's fields in camelCase, plus where to run. Durations are seconds or "30s"-style strings. */
export interface ConsortiumSpec extends ConsortiumOptions, ConsortiumSpecData {}

/**
 * Builds a consortium in code, as the seed's `create_consortium(models=..., arbiter=...)`. Validated
 * exactly like a file; throws InvalidConsortiumError listing every issue.
 */
export const createConsortium = (spec: ConsortiumSpec): Consortium => {
  const { client, log, env, ...data } = spec;
  const label = "createConsortium()";
  const config = consortiumFromObject(toFileShape(data), label);
  if (Either.isLeft(config)) throw new InvalidConsortiumError(config.left);
  const unread = includedConsortia(config.right, label);
  if (unread !== undefined) throw new InvalidConsortiumError(unread);
  return makeConsortium(config.right, {
    ...(client === undefined ? {} : { client }),
    ...(log === undefined ? {} : { log }),
    ...(env === undefined ? {} : { env })
  });
};

// A member that is a whole consortium names a file; building in code reads no files, so such a member
// could only ever fail at run time. Say so now, where the spec is written.
const includedConsortia = (config: ConsortiumConfig, label: string): ConfigError | undefined => {
  const issues = config.members.flatMap((member) =>
    member.consortium === undefined || member.consortium.config !== undefined
      ? []
      : [
          {
            file: label,
            line: 0,
            column: 0,
            path: "/members",
            message: `includes consortium "${member.consortium.ref}", which createConsortium cannot read: load the including consortium with loadConsortium(file)`
          }
        ]
  );
  return issues.length === 0 ? undefined : new ConfigError({ file: label, issues });
};

/** A consortium from a config already loaded (the CLI and evals build theirs with @consortium/config). */
export const consortiumOf = (config: ConsortiumConfig, options: ConsortiumOptions = {}): Consortium =>
  makeConsortium(config, options);
