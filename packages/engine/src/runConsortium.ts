import { type ConsortiumConfig, consortiaWithin, consortiumModels } from "@consortium/config";
import { checkProvidersExist, type Env, LlmClient, preflight, type StartError } from "@consortium/providers";
import { Cause, Clock, Effect, Exit, Option, Random, Ref } from "effect";
import { makeAnswerStream } from "./answerStream.js";
import type { Budget } from "./budget.js";
import type { ConversationLink, Turn } from "./conversation.js";
import { callsOf, sumUsage } from "./cost.js";
import { makeGates, makeProviderGates, nestedProviderGates, type ProviderGates } from "./gates.js";
import { judgingMethod } from "./judging/methods.js";
import { answerRound } from "./layers.js";
import type { NestedLink, RunNested } from "./nestedMember.js";
import { decideOutcome, type Ending, type RunProgress, totalUsage } from "./outcome.js";
import { labelAnswers, type PreviousRound } from "./prompts.js";
import { RunEvents } from "./RunEvents.js";
import { RunLog } from "./RunLog.js";
import type { Iteration, RunResult } from "./result.js";
import { budgetStopBefore, budgetStopIn } from "./roundBudget.js";
import { labelResponses } from "./roundLabels.js";
import { emit, expandInstances, type RunContext } from "./runContext.js";
import { makeRunId } from "./runId.js";
import { withRunTimeout } from "./runTimeout.js";
import { iterationSeed } from "./shuffle.js";
import { decideStop } from "./stopRule.js";
import { eliminate } from "./strategy.js";
import { resolveTemplates } from "./templates.js";
import { iso } from "./text/time.js";

export interface RunOptions {
  /** Default: a new sortable id (see makeRunId). */
  readonly runId?: string;
  /** Seeds the anonymising shuffle; fix it to make the arbiter's prompts reproducible (evals do). */
  readonly seed?: number;
  /** Where the key check looks for API key variables. Default process.env. */
  readonly env?: Env;
  /**
   * false: skip the API key check (a cassette replay needs no keys). Unknown providers are still
   * rejected before any call.
   */
  readonly checkKeys?: boolean;
  /**
   * true: the caller has already checked this config's providers (and keys, unless replaying), as an
   * eval does once for all its cases; the run then checks nothing before its first call.
   */
  readonly preflighted?: boolean;
  /** A spending limit this run shares with others (an eval's); the run's own is `limits.budget_usd`. */
  readonly budget?: Budget;
  /** Provider caps shared with other runs (an eval's); default: this run's own. */
  readonly providerGates?: ProviderGates;
  /**
   * Earlier turns (user prompts and the consortium's answers, oldest first): members and the arbiter
   * get them as prior messages. Default none, and then every request is exactly as without it.
   */
  readonly history?: ReadonlyArray<Turn>;
  /** The conversation this run continues, for the run log. */
  readonly conversation?: ConversationLink;
  /** Who asked for the run, for the run log (e.g. "serve"). */
  readonly origin?: string;
  /** The member call this run answers for, when it is an included consortium's run. */
  readonly nestedIn?: NestedLink;
  /**
   * Send the answer as it is written, as SynthesisDelta events then SynthesisFinal (to RunEvents).
   * The last allowed round's arbiter call then streams and its synthesis goes out live; an earlier
   * round's goes out at once when the round is decided final, never when another round follows.
   * Default false. An included consortium's run never streams.
   */
  readonly streamSynthesis?: boolean;
}

const previousRound = (progress: RunProgress): PreviousRound | undefined => {
  const last = progress.iterations.at(-1);
  return last === undefined
    ? undefined
    : {
        text: last.synthesis.text,
        confidence: last.synthesis.confidence,
        dissent: last.synthesis.dissent,
        refinementAreas: last.synthesis.refinementAreas
      };
};

/** Rounds until the stop rule says stop, or something ends the run early. Never fails. */
const iterate = (context: RunContext): Effect.Effect<Ending> =>
  Effect.gen(function* () {
    const { config, progress } = context;
    let active = context.instances;
    // Only the last layer's answers are shown to the judge.
    const judgedLayer = config.layers ?? 1;
    for (let iteration = 1; ; iteration++) {
      const previous = previousRound(yield* Ref.get(progress));
      const overBudget = yield* budgetStopBefore(context, iteration, previous);
      if (overBudget !== undefined) return overBudget;
      yield* Ref.update(progress, (p) => ({
        ...p,
        unfinished: { index: iteration, responses: [], arbiterFailures: [] }
      }));
      yield* emit(context, { _tag: "IterationStarted", runId: context.runId, iteration });

      const round = yield* answerRound(context, iteration, previous, active);
      const refusedMember = yield* budgetStopIn(
        context,
        iteration,
        round.all.map((response) => response.error)
      );
      if (refusedMember !== undefined) return refusedMember;
      if (round._tag === "NoQuorum") return { _tag: "NoQuorum", iteration, quorum: config.limits.quorum } as const;
      const { all: responses, usable } = round;

      const labelled = labelAnswers(usable, {
        anonymize: config.anonymize,
        seed: iterationSeed(context.seed, iteration)
      });
      // Set before the judge is asked: a round whose judge fails or is interrupted keeps them too.
      yield* Ref.update(progress, (p) =>
        p.unfinished === null
          ? p
          : {
              ...p,
              unfinished: { ...p.unfinished, responses: labelResponses(p.unfinished.responses, labelled, judgedLayer) }
            }
      );
      const judged = yield* judgingMethod(config.judging)(context, { iteration, answers: usable, labelled });
      if (judged._tag === "NoReviewQuorum") {
        const { reviewed, failures } = judged;
        return { _tag: "NoReviewQuorum", iteration, quorum: config.limits.quorum, reviewed, failures } as const;
      }
      if (judged._tag === "AllFailed") {
        const refusedJudge = yield* budgetStopIn(
          context,
          iteration,
          judged.failures.map((failure) => failure.error)
        );
        return refusedJudge ?? ({ _tag: "ArbiterFailed", iteration } as const);
      }

      const { verdict } = judged;
      const synthesis = verdict.synthesis;
      const decision = decideStop(
        { iteration, confidence: synthesis.confidence, needsIteration: synthesis.needsIteration },
        config
      );
      const out = eliminate(
        config.strategy,
        active,
        "ranking" in verdict.record ? verdict.record.ranking : [],
        iteration
      );
      active = out.remaining;
      const done: Iteration = {
        index: iteration,
        usage: sumUsage(callsOf({ responses, ...verdict.record })),
        responses: labelResponses(responses, verdict.answers, judgedLayer),
        synthesis,
        ...verdict.record,
        ...(config.strategy !== undefined && config.strategy.eliminate > 0 ? { eliminated: out.eliminated } : {}),
        decision: decision.reason
      };
      yield* Ref.update(progress, (p) => ({
        iterations: [...p.iterations, done],
        unfinished: null,
        parseIssues: verdict.parseIssues.length === 0 ? p.parseIssues : [...p.parseIssues, ...verdict.parseIssues]
      }));
      yield* emit(context, {
        _tag: "IterationEnded",
        runId: context.runId,
        iteration,
        confidence: synthesis.confidence,
        needsIteration: synthesis.needsIteration,
        stop: decision.stop
      });
      if (decision.stop) {
        // Held while another round was possible; this one is the answer now.
        context.answer?.offer(iteration, synthesis.text);
        return { _tag: "Finished" } as const;
      }
    }
  });

const endingOf = (exit: Exit.Exit<Option.Option<Ending>>, runTimeoutMs: number): Ending => {
  if (Exit.isSuccess(exit)) {
    return Option.getOrElse(exit.value, (): Ending => ({ _tag: "TimedOut", afterMs: runTimeoutMs }));
  }
  if (Cause.isInterruptedOnly(exit.cause)) return { _tag: "Interrupted" };
  return { _tag: "Defect", message: Cause.pretty(exit.cause).split("\n")[0] ?? "unknown defect" };
};

/** Builds the result from whatever the run gathered, and records the end. Runs uninterruptibly. */
const finish = (context: RunContext, ending: Ending, startedMs: number): Effect.Effect<RunResult> =>
  Effect.gen(function* () {
    const progress = yield* Ref.get(context.progress);
    const outcome = decideOutcome(ending, progress);
    const endedMs = yield* Clock.currentTimeMillis;
    const position = new Map(context.instances.map((i) => [`${i.member}#${i.instance}`, i.position]));
    const unfinished =
      progress.unfinished === null
        ? null
        : {
            ...progress.unfinished,
            responses: [...progress.unfinished.responses].sort(
              (a, b) =>
                (position.get(`${a.member}#${a.instance}`) ?? 0) - (position.get(`${b.member}#${b.instance}`) ?? 0)
            )
          };
    const result: RunResult = {
      runId: context.runId,
      consortium: context.config.name,
      status: outcome.status,
      prompt: context.prompt,
      synthesis: outcome.synthesis,
      iterations: [
        ...progress.iterations,
        // a round that made calls stays visible even though it never reached a synthesis
        ...(unfinished === null || (unfinished.responses.length === 0 && unfinished.arbiterFailures.length === 0)
          ? []
          : [
              {
                ...unfinished,
                unfinished: true as const,
                synthesis: null,
                arbiter: null,
                usage: sumUsage(callsOf(unfinished))
              }
            ])
      ],
      usage: totalUsage(progress),
      durationMs: endedMs - startedMs,
      error: outcome.error,
      warnings: outcome.warnings,
      startedAt: iso(startedMs),
      endedAt: iso(endedMs),
      seed: context.seed,
      unfinished
    };
    yield* context.log.runEnded({ runId: context.runId, status: result.status, result });
    if (context.answer !== undefined) {
      yield* context.answer.end(progress.iterations.at(-1)?.index ?? 0, result.synthesis?.text ?? null);
    }
    yield* emit(context, { _tag: "RunEnded", runId: context.runId, status: result.status, error: result.error });
    return result;
  });

/**
 * Runs a consortium on one prompt: preflight (providers and keys) before any call, then rounds of
 * members and arbiter until the stop rule is met, recording every call to RunLog as it ends. Fails
 * only when the run cannot start (a missing key, an unknown provider); every later failure is in the
 * result's status and error. Interrupted, it still records the run as `interrupted` with everything
 * that finished, then ends interrupted.
 */
export const runConsortium = (
  config: ConsortiumConfig,
  prompt: string,
  options: RunOptions = {}
): Effect.Effect<RunResult, StartError, LlmClient | RunLog> =>
  // A span without a captured call site: an eval starts a run per case, and that capture (an Error and
  // its stack, which Effect.fn and withSpan take by default) was the costliest step of starting one.
  // A run answered from memory (a cassette replay) has no span at all: it never waits, so a span shows
  // nothing a trace needs, and making and ending one was more Effect steps than its four calls took.
  Effect.flatMap(LlmClient, (client) =>
    client.answers === "local"
      ? startRun(config, prompt, options)
      : Effect.withSpan(startRun(config, prompt, options), "Engine.runConsortium", { captureStackTrace: false })
  );

const startRun = Effect.fnUntraced(function* (
  config: ConsortiumConfig,
  prompt: string,
  options: RunOptions
): Effect.fn.Return<RunResult, StartError, LlmClient | RunLog> {
  for (const each of options.preflighted === true ? [] : consortiaWithin(config)) {
    const refs = consortiumModels(each);
    if (options.checkKeys === false) yield* checkProvidersExist(each.providers, refs);
    else yield* preflight(each.providers, refs, options.env);
  }

  const client = yield* LlmClient;
  const log = yield* RunLog;
  const events = Option.getOrUndefined(yield* Effect.serviceOption(RunEvents));
  const runId = options.runId ?? (yield* makeRunId);
  const seed = options.seed ?? (yield* Random.nextIntBetween(0, 2 ** 31 - 1));
  const startedMs = yield* Clock.currentTimeMillis;
  const providerGates = options.providerGates ?? makeProviderGates();
  const gates = yield* makeGates(config, providerGates, options.budget);
  const history = options.history ?? [];
  // An included consortium's run shares this run's client, log, provider caps and budget; this run's
  // timeout covers it by interrupting it.
  const runNested: RunNested = (inner, innerPrompt, link, innerRunId) =>
    Effect.gen(function* () {
      const ran = yield* Effect.either(
        runConsortium(inner, innerPrompt, {
          runId: innerRunId,
          seed: iterationSeed(seed, link.iteration * 1_000_000 + link.instance),
          ...(options.env === undefined ? {} : { env: options.env }),
          // this run checked every consortium it includes before its first call
          preflighted: true,
          ...(gates.budget === undefined ? {} : { budget: gates.budget }),
          providerGates: nestedProviderGates(providerGates, config),
          history,
          nestedIn: link
        }).pipe(Effect.provideService(LlmClient, client), Effect.provideService(RunLog, log))
      );
      return ran._tag === "Right" ? { result: ran.right, error: null } : { result: null, error: ran.left.message };
    });
  const answer =
    options.streamSynthesis === true && options.nestedIn === undefined ? yield* makeAnswerStream(runId) : undefined;
  const context: RunContext = {
    runId,
    seed,
    config,
    prompt,
    history,
    templates: resolveTemplates(config.prompts),
    instances: expandInstances(config.members, config.strategy?.roles),
    client,
    log,
    gates,
    progress: yield* Ref.make<RunProgress>({ iterations: [], unfinished: null, parseIssues: [] }),
    arbitersDown: new Set(),
    events,
    ...(config.members.some((member) => member.consortium !== undefined) ? { runNested } : {}),
    ...(answer === undefined ? {} : { answer })
  };

  return yield* Effect.uninterruptibleMask((restore) =>
    Effect.gen(function* () {
      yield* log.runStarted({
        runId,
        config,
        prompt,
        startedAt: iso(startedMs),
        ...(options.conversation === undefined ? {} : { conversation: options.conversation }),
        ...(options.origin === undefined ? {} : { origin: options.origin }),
        ...(options.nestedIn === undefined ? {} : { nestedIn: options.nestedIn })
      });
      yield* emit(context, {
        _tag: "RunStarted",
        runId,
        consortium: config.name,
        members: context.instances.map((i) => `${i.member}#${i.instance}`),
        maxIterations: config.maxIterations
      });
      // The run timeout bounds waiting for models. A client answering from memory never waits, and the
      // race behind the timeout (two forked fibers and a timer) costs more than a replayed run's calls.
      const rounds =
        client.answers === "local"
          ? Effect.map(iterate(context), Option.some)
          : withRunTimeout(iterate(context), config.limits.runTimeoutMs);
      const exit = yield* Effect.exit(restore(rounds));
      const result = yield* finish(context, endingOf(exit, config.limits.runTimeoutMs), startedMs);
      // An interrupt (or a bug) still ends the effect that way, after the run was recorded.
      return Exit.isSuccess(exit) ? result : yield* Effect.failCause(exit.cause);
    })
  );
});
