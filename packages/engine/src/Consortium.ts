import {
  type ConfigError,
  type ConsortiumConfig,
  consortiumFromObject,
  formatConfigError,
  loadConsortiumFile
} from "@consortium/config";
import { type Env, type LlmClient, layerLlmClient } from "@consortium/providers";
import { Cause, Effect, Either, Exit, Layer } from "effect";
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

export interface Consortium {
  readonly config: ConsortiumConfig;
  /**
   * Runs the consortium on `prompt`. Resolves with the result whatever its status (completed,
   * degraded, failed, interrupted); rejects only when the run cannot start (a missing API key, an
   * unknown provider) or on a bug.
   */
  readonly run: (prompt: string, options?: ConsortiumRunOptions) => Promise<RunResult>;
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

const makeConsortium = (config: ConsortiumConfig, options: ConsortiumOptions): Consortium => ({
  config,
  run: async (prompt, runOptions = {}) => {
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
      options.client ?? layerLlmClient({ env: options.env ?? process.env }),
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
  }
});

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
  const config = consortiumFromObject(toFileShape(data), "createConsortium()");
  if (Either.isLeft(config)) throw new InvalidConsortiumError(config.left);
  return makeConsortium(config.right, {
    ...(client === undefined ? {} : { client }),
    ...(log === undefined ? {} : { log }),
    ...(env === undefined ? {} : { env })
  });
};

/** A consortium from a config already loaded (the CLI and evals build theirs with @consortium/config). */
export const consortiumOf = (config: ConsortiumConfig, options: ConsortiumOptions = {}): Consortium =>
  makeConsortium(config, options);
