import { type ConsortiumConfig, consortiaWithin, consortiumModels } from "@consortium/config";
import { type RunEvent, RunEvents, RunLog, type RunResult, runConsortium, safeText } from "@consortium/engine";
import { inertJson } from "@consortium/engine/text";
import { keyVariablesOf, layerLlmClient, preloadSdks } from "@consortium/providers";
import type { StoreError } from "@consortium/store";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import * as Layer from "effect/Layer";
import { unpricedWarning, withMaxCost } from "../cost/budget.js";
import { printRunEstimate } from "../cost/executeEstimate.js";
import { ExitCode } from "../exitCode.js";
import { RunFailed, SilentExit, UsageError } from "../failures.js";
import { storeLayer, storeModule } from "../lazy.js";
import { detectStreams } from "../terminal.js";
import { checkWritable, writeOutput } from "../writeOutput.js";
import { adHocData, type ConsortiumFlags, checkConsortiumData, loadWithFlags } from "./consortiumFromFlags.js";
import { continueWithValue, resolveContinuation } from "./conversation.js";
import { formatResult } from "./output.js";
import { makeProgress } from "./progress.js";
import { combinePrompt, readStdin } from "./prompt.js";
import { type AnswerOnStdout, answerOnStdout } from "./stream.js";
import { chooseTarget, type Target } from "./target.js";

// `consortium run`: everything it does beyond parsing flags. Loaded lazily (its own chunk), so the
// provider SDKs, SQLite and the engine are parsed only when a run is asked for.

export interface RunFlags extends ConsortiumFlags {
  /** The positional arguments: [file-or-name] [prompt], or [prompt] for an ad-hoc run. */
  readonly positional: ReadonlyArray<string>;
  readonly output: string | undefined;
  readonly json: boolean;
  readonly raw: boolean;
  readonly noStdin: boolean;
  readonly db: string | undefined;
  readonly noLog: boolean;
  readonly continueFrom?: string | undefined;
  readonly continueLatest?: boolean;
  /** --estimate: print what the run could cost and stop. */
  readonly estimate?: boolean;
  /** --max-cost: a budget for this run, in USD. */
  readonly maxCost?: number | undefined;
  /** undefined: stream when stdout is a terminal and no --output is asked for. */
  readonly stream?: boolean | undefined;
}

/** Whether the answer goes to stdout as it is written: never with --json or --raw (one document each). */
const streamsAnswer = (flags: RunFlags): boolean =>
  !flags.json && !flags.raw && (flags.stream ?? (process.stdout.isTTY === true && flags.output === undefined));

/** An ad-hoc consortium's name in the record (`consortium runs`). */
const AD_HOC_NAME = "ad-hoc";

const loadConfig = (target: Target, flags: RunFlags) =>
  Effect.gen(function* () {
    const config = yield* target._tag === "File"
      ? loadWithFlags(target.file, flags)
      : checkConsortiumData(adHocData(AD_HOC_NAME, flags), flags, "command line");
    const budgeted = withMaxCost(config, flags.maxCost);
    if (Either.isLeft(budgeted)) return yield* new UsageError({ message: budgeted.left });
    return budgeted.right;
  });

/** Piped standard input, unless --no-stdin. */
const readPiped = (flags: RunFlags) => (flags.noStdin ? Effect.succeed(undefined) : Effect.promise(() => readStdin()));

/** SQLite (a native addon) is loaded only when the run is recorded. */
const logLayer = (flags: RunFlags): Layer.Layer<RunLog, StoreError> =>
  flags.noLog
    ? RunLog.none
    : storeLayer(({ resolveDbPath, StoreRunLog }) => StoreRunLog.layerWithStore(resolveDbPath({ flag: flags.db })));

/** Prints the result where it was asked for and turns its status into the exit code. */
const deliver = (result: RunResult, flags: RunFlags, streamed: AnswerOnStdout | undefined) =>
  Effect.gen(function* () {
    // exact once parsed, and inert in a terminal: JSON escapes C0 itself, inertJson DEL and C1
    const json = `${inertJson(JSON.stringify(result, null, 2))}\n`;
    if (flags.json) yield* Effect.sync(() => process.stdout.write(json));
    else if (streamed?.started() === true) {
      // The answer is on stdout already; only its line ends here.
      yield* streamed.finish;
      if (streamed.revised() && result.synthesis !== null) {
        yield* Console.error("warning: the answer shown as it was written was replaced by the final one, below");
        yield* Console.log(formatResult(result, { raw: false }));
      }
    } else if (result.synthesis !== null) yield* Console.log(formatResult(result, { raw: flags.raw }));
    // after stdout, so a bad --output path loses nothing the run produced
    if (flags.output !== undefined) yield* writeOutput(flags.output, json);
    if (!result.usage.costComplete) yield* Console.error(unpricedWarning(result.usage.unpricedModels));
    switch (result.status) {
      case "completed":
      case "degraded":
        // a failed run's one-line reason already names what the warnings would
        for (const warning of result.warnings) yield* Console.error(`warning: ${warning}`);
        // a run that ended early (arbiter down in a later round, run timeout) kept an earlier synthesis
        if (result.error !== null)
          yield* Console.error(`warning: ${result.error}; the answer is from an earlier round`);
        return;
      case "failed":
        return yield* new RunFailed({ message: `run ${result.runId} failed: ${result.error ?? "no synthesis"}` });
      case "interrupted":
        // runConsortium ends interrupted runs by interruption (exit 130 in main.ts); kept for completeness
        return yield* new SilentExit({ code: ExitCode.Interrupted });
    }
  });

/**
 * The live client, told every key variable the run uses so an answer echoing one is scrubbed. The
 * SDKs the run calls start loading now, so they are parsed while the store opens, not at the first call.
 */
const liveClient = (config: ConsortiumConfig) => {
  preloadSdks(
    consortiaWithin(config).flatMap((each) => consortiumModels(each).map((ref) => each.providers[ref.provider]?.type))
  );
  return layerLlmClient({ env: process.env, secretVariables: keyVariablesOf(Object.values(config.providers)) });
};

/** What Ctrl-C left behind, on one line. */
const interruptedLine = (runId: string | undefined, noLog: boolean): string =>
  runId === undefined
    ? "interrupted before the run started: nothing recorded"
    : noLog
      ? `interrupted: run ${runId} not recorded (--no-log)`
      : `interrupted: run ${runId} stored as interrupted`;

/** The earlier turns to continue, and the prompt when --continue's value turned out to be it. */
const continuationOf = (flags: RunFlags, promptGiven: boolean) =>
  flags.continueFrom !== undefined
    ? continueWithValue(flags.continueFrom, promptGiven, flags.db)
    : Effect.map(
        flags.continueLatest === true ? resolveContinuation("latest", flags.db) : Effect.succeed(undefined),
        (continuation) => ({ continuation, prompt: undefined })
      );

export const executeRun = (flags: RunFlags) =>
  Effect.gen(function* () {
    const target = chooseTarget(flags.positional, flags, process.cwd());
    if (target instanceof UsageError) return yield* target;
    const config = yield* loadConfig(target, flags);
    const piped = yield* readPiped(flags);
    // before any key is looked at or any request made; without a prompt, for one of the default size
    if (flags.estimate === true) return yield* printRunEstimate(config, combinePrompt(target.prompt, piped));
    const continued = yield* continuationOf(flags, target.prompt !== undefined || piped !== undefined);
    const prompt = combinePrompt(target.prompt ?? continued.prompt, piped);
    if (prompt === undefined) {
      return yield* new UsageError({ message: "no prompt: give it as an argument or pipe it on standard input" });
    }
    yield* checkWritable([flags.output]);
    // the store's `git status` for the run's file starts now, while the store and the SDKs load
    const source = config.source;
    if (!flags.noLog && source !== undefined) yield* Effect.map(storeModule, (store) => store.prefetchGitInfo(source));
    const streams = detectStreams();
    const progress = process.stderr.isTTY
      ? makeProgress((text) => process.stderr.write(text), { colors: streams.stderrColors, live: streams.stderrLive })
      : undefined;
    const streamed = streamsAnswer(flags)
      ? answerOnStdout((text, done) =>
          process.stdout.write(safeText(text), done === undefined ? undefined : () => done())
        )
      : undefined;
    // the first run to start is this one (an included consortium's runs start after it)
    let runId: string | undefined;
    const show =
      streamed !== undefined
        ? (event: RunEvent) => {
            streamed.onEvent(event);
            if (!streamed.started()) progress?.onEvent(event);
            // Without the display (stderr not a terminal), still say why the answer is not coming yet.
            if (progress === undefined && event._tag === "IterationEnded" && !event.stop) {
              process.stderr.write(`round ${event.iteration}: refining\n`);
            }
          }
        : progress?.onEvent;
    const events = RunEvents.fromCallback((event) => {
      if (runId === undefined && event._tag === "RunStarted") runId = event.runId;
      show?.(event);
    });
    const result = yield* runConsortium(config, prompt, {
      ...continued.continuation,
      ...(streamed === undefined ? {} : { streamSynthesis: true })
    }).pipe(
      Effect.provide(Layer.mergeAll(liveClient(config), logLayer(flags), events)),
      Effect.ensuring(Effect.sync(() => progress?.close())),
      // an interrupted run still ends the line it was writing, then says what became of the run: by
      // now the store (closed with the layer above) has its end
      Effect.onInterrupt(() =>
        Effect.zipRight(
          streamed?.started() === true ? streamed.finish : Effect.void,
          Console.error(interruptedLine(runId, flags.noLog))
        )
      )
    );
    yield* deliver(result, flags, streamed);
  });
