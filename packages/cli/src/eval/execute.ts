import { loadSuiteFile, loadTarget, type SuiteConfig, type SuiteTarget, suiteUnpricedModels } from "@consortium/config";
import { RunLog } from "@consortium/engine";
import {
  appendStepSummary,
  Cassette,
  EvalLog,
  type EvalReport,
  estimatePlan,
  exitCodeFor,
  parseShard,
  planSuite,
  renderJson,
  renderJunit,
  renderTable,
  resultsDone,
  runSuite
} from "@consortium/eval";
import { keyVariablesOf, layerLlmClient } from "@consortium/providers";
import type { StoreError } from "@consortium/store";
import * as Console from "effect/Console";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import * as Layer from "effect/Layer";
import { suiteWithMaxCost, unpricedWarning } from "../cost/budget.js";
import { renderSuiteEstimate } from "../cost/renderEstimate.js";
import { ExitCode } from "../exitCode.js";
import { RunFailed, SilentExit, UsageError } from "../failures.js";
import { storeLayer, viewModule } from "../lazy.js";
import { detectStreams } from "../terminal.js";
import { checkWritable, writeOutput } from "../writeOutput.js";
import { type EvalProgress, makeEvalProgress } from "./progress.js";

// `consortium eval`: a suite's cases × targets through the engine, then the reports. Loaded lazily.

export interface EvalFlags {
  readonly suite: string;
  readonly targets: ReadonlyArray<string>;
  readonly concurrency: number | undefined;
  readonly shard: string | undefined;
  readonly filter: string | undefined;
  readonly junit: string | undefined;
  readonly output: string | undefined;
  readonly html: string | undefined;
  readonly record: string | undefined;
  readonly replay: string | undefined;
  readonly threshold: number | undefined;
  readonly evalId: string | undefined;
  readonly db: string | undefined;
  readonly noLog: boolean;
  /** --vs-members: also run each consortium's members alone, and compare. */
  readonly vsMembers?: boolean;
  /** No progress on stderr. */
  readonly quiet?: boolean;
  /** --repeat: runs of each case × target. */
  readonly repeat?: number | undefined;
  /** --estimate: print what the eval could cost and stop. */
  readonly estimate?: boolean;
  /** --max-cost: a budget for the whole eval, in USD. */
  readonly maxCost?: number | undefined;
  /** --allow-outside: case files may sit outside the suite's folder. */
  readonly allowOutside?: boolean;
}

/** In GitHub Actions every job of a matrix shares the run id: one eval per workflow run attempt. */
export const defaultEvalId = (env: Readonly<Record<string, string | undefined>>): string | undefined =>
  env.GITHUB_RUN_ID !== undefined && env.GITHUB_RUN_ID !== ""
    ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT !== undefined && env.GITHUB_RUN_ATTEMPT !== "" ? env.GITHUB_RUN_ATTEMPT : "1"}`
    : undefined;

const EVAL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const evalIdOf = (flags: EvalFlags) => {
  const id = flags.evalId ?? defaultEvalId(process.env);
  if (id !== undefined && !EVAL_ID.test(id)) {
    return Effect.fail(
      new UsageError({
        message: `--eval-id ${JSON.stringify(id)}: use up to 128 letters, digits and . _ : - (starting with a letter or digit)`
      })
    );
  }
  return Effect.succeed(id);
};

/** Where model calls go: the network, the network through a recorder, or only the cassette. */
const clientLayer = (flags: EvalFlags, suite: SuiteConfig, targets: ReadonlyArray<SuiteTarget> | undefined) => {
  // Every key variable the eval uses (the suite's providers and each consortium's) is scrubbed from
  // answers before the recorder, the report or the database sees them.
  const providers = [
    suite.providers,
    ...(targets ?? suite.targets).map((t) => (t.kind === "consortium" ? t.config.providers : {}))
  ];
  const LlmClientLive = layerLlmClient({
    env: process.env,
    secretVariables: keyVariablesOf(providers.flatMap((byName) => Object.values(byName)))
  });
  if (flags.record !== undefined && flags.replay !== undefined) {
    return Layer.fail(new UsageError({ message: "--record and --replay exclude each other" }));
  }
  if (flags.replay !== undefined) return Cassette.replay(flags.replay);
  if (flags.record !== undefined) return Cassette.record(flags.record).pipe(Layer.provide(LlmClientLive));
  return LlmClientLive;
};

type LogLayer = Layer.Layer<EvalLog | RunLog, StoreError>;

/** The store records the eval and every consortium run in it; SQLite loads only when used. */
const logLayer = (flags: EvalFlags): LogLayer =>
  flags.noLog
    ? Layer.merge(EvalLog.none, RunLog.none)
    : storeLayer(({ resolveDbPath, StoreEvalLog }) => {
        // the shard this process is, so the stored eval can say which shards are still missing; and
        // whether others can join it at all (only through an id they share)
        const shard = flags.shard === undefined ? undefined : Either.getOrUndefined(parseShard(flags.shard));
        const joinable = (flags.evalId ?? defaultEvalId(process.env)) !== undefined;
        return StoreEvalLog.layerWithStore(resolveDbPath({ flag: flags.db }), { shard, joinable });
      });

/** The log with its EvalLog replaced by `wrap` of it (which calls through to it). */
const wrapEvalLog = (log: LogLayer, wrap: (inner: EvalLog["Type"]) => EvalLog["Type"]): LogLayer =>
  Layer.flatMap(log, (context) =>
    Layer.succeedContext(Context.add(context, EvalLog, wrap(Context.get(context, EvalLog))))
  );

/** The log, with every started eval and finished result also shown on `progress`. */
const withProgress = (log: LogLayer, progress: EvalProgress | undefined): LogLayer =>
  progress === undefined
    ? log
    : wrapEvalLog(log, (inner) => ({
        ...inner,
        evalStarted: (event) =>
          Effect.zipRight(
            Effect.sync(() => progress.started(event.targets.length * event.caseIds.length)),
            inner.evalStarted(event)
          ),
        caseResult: (event) =>
          Effect.zipRight(
            Effect.sync(() => progress.result(event.result.pass)),
            inner.caseResult(event)
          )
      }));

/** The log, also keeping the report an interrupted eval ends with (what finished before the stop). */
const keepingInterrupted = (log: LogLayer, kept: { report: EvalReport | undefined }): LogLayer =>
  wrapEvalLog(log, (inner) => ({
    ...inner,
    evalEnded: (event) =>
      Effect.zipRight(
        Effect.sync(() => {
          if (event.outcome === "interrupted") kept.report = event.report;
        }),
        inner.evalEnded(event)
      )
  }));

/**
 * Ctrl-C: one line saying how far the eval got, and the reports asked for, of what finished (marked
 * interrupted), so a long eval stopped by hand keeps its work. The exit code stays the interrupt's.
 */
const deliverInterrupted = (report: EvalReport | undefined, flags: ReportFlags) =>
  report?.interrupted === undefined
    ? Console.error("interrupted before any case ran: no report written")
    : Effect.zipRight(
        Console.error(`interrupted: ${resultsDone(report)} of ${report.interrupted.resultsPlanned} results done`),
        writeReports(report, flags).pipe(
          Effect.catchAll((error) => Console.error(`could not write the reports: ${error.message}`))
        )
      );

const writeReports = (report: EvalReport, flags: ReportFlags) =>
  Effect.gen(function* () {
    if (flags.output !== undefined) yield* writeOutput(flags.output, renderJson(report));
    if (flags.junit !== undefined) yield* writeOutput(flags.junit, renderJunit(report));
    if (flags.html !== undefined) {
      const { evalReportHtml } = yield* viewModule;
      yield* writeOutput(flags.html, evalReportHtml(report));
    }
    // GitHub Actions shows this file on the run's page
    yield* appendStepSummary(report, process.env.GITHUB_STEP_SUMMARY);
  });

type ReportFlags = Pick<EvalFlags, "output" | "junit" | "html">;

/** The files asked for, the table on stdout, and the exit code: for a run suite or merged shards alike. */
export const deliverReport = (report: EvalReport, flags: ReportFlags) =>
  Effect.gen(function* () {
    yield* writeReports(report, flags);
    yield* Console.log(renderTable(report, { color: detectStreams().stdoutColors }));
    // A miss is an error of the cassette, not a verdict: it goes where errors go, even when stdout is a file.
    for (const miss of report.replayMisses) yield* Console.error(miss);
    const code = exitCodeFor(report);
    if (code === ExitCode.RunFailed)
      return yield* new RunFailed({ message: "eval failed: a target is below its threshold" });
    if (code !== ExitCode.Ok) return yield* new SilentExit({ code });
  });

export const executeEval = (flags: EvalFlags) =>
  Effect.gen(function* () {
    const loaded = yield* loadSuiteFile(flags.suite, { allowOutside: flags.allowOutside });
    const targets =
      flags.targets.length === 0
        ? undefined
        : yield* Effect.forEach(flags.targets, (spec) =>
            loadTarget(spec, { cwd: process.cwd(), providers: loaded.providers })
          );
    const budgeted = suiteWithMaxCost(
      { ...loaded, targets: targets ?? loaded.targets },
      flags.maxCost ?? loaded.budgetUsd
    );
    if (Either.isLeft(budgeted)) return yield* new UsageError({ message: budgeted.left });
    const suite = budgeted.right;
    if (flags.estimate === true) {
      const plan = yield* Either.match(
        planSuite(suite, {
          shard: flags.shard,
          filter: flags.filter,
          threshold: flags.threshold,
          repeat: flags.repeat,
          vsMembers: flags.vsMembers
        }),
        { onLeft: Effect.fail, onRight: Effect.succeed }
      );
      yield* Effect.sync(() => process.stdout.write(renderSuiteEstimate(suite.name, estimatePlan(plan))));
      return;
    }
    yield* checkWritable([flags.output, flags.junit, flags.html, flags.record]);
    const progress =
      flags.quiet === true
        ? undefined
        : makeEvalProgress({
            write: (text) => process.stderr.write(text),
            // a dumb terminal cannot redraw the bar: it gets the log's lines
            terminal: detectStreams().stderrLive,
            now: Date.now
          });
    const shard = flags.shard === undefined ? undefined : Either.getOrUndefined(parseShard(flags.shard));
    const evalId = yield* evalIdOf(flags);
    if (!flags.noLog && shard !== undefined && shard.count > 1 && evalId === undefined) {
      yield* Console.error(
        `warning: --shard ${shard.index}/${shard.count} without --eval-id: the other shards cannot join this eval, so it is recorded as an error (never the whole suite); give every shard the same --eval-id (or combine their -o reports with --merge)`
      );
    }
    const kept: { report: EvalReport | undefined } = { report: undefined };
    const unpriced = suiteUnpricedModels(suite);
    if (unpriced.length > 0) yield* Console.error(unpricedWarning(unpriced));
    const report = yield* runSuite(suite, {
      concurrency: flags.concurrency,
      shard: flags.shard,
      filter: flags.filter,
      threshold: flags.threshold,
      targets,
      keysNeeded: flags.replay === undefined,
      evalId,
      repeat: flags.repeat,
      vsMembers: flags.vsMembers
    }).pipe(
      Effect.provide(
        Layer.mergeAll(
          clientLayer(flags, suite, targets),
          keepingInterrupted(withProgress(logLayer(flags), progress), kept)
        )
      ),
      Effect.ensuring(Effect.sync(() => progress?.close())),
      // by now the store (closed with the layer above) has the interrupted eval and what finished
      Effect.onInterrupt(() => deliverInterrupted(kept.report, flags))
    );
    yield* deliverReport(report, flags);
  });
