import {
  type ConsortiumConfig,
  DEFAULT_LIMITS,
  type ModelParams,
  type ModelRef,
  type ProviderConfig,
  type SuiteConfig
} from "@consortium/config";
import {
  type Budget,
  budgetReachedMessage,
  type CallHooks,
  callModel,
  type Gates,
  makeBudget,
  makeProviderGates,
  type ProviderGates,
  providerGate,
  type RunLog,
  type RunResult,
  runConsortium
} from "@consortium/engine";
import { LlmClient, type LlmRequest, lookupProvider } from "@consortium/providers";
import { Effect } from "effect";
import type { Judge } from "../assertions/evaluate.js";
import type { Executors } from "./execute.js";
import { failedOutcome, type TargetOutcome } from "./outcome.js";

// The real executors: consortium targets through `runConsortium`, single models and judges through
// the engine's `callModel` (the same retries, per-attempt timeouts and empty-answer rule as members),
// with the default limits, since a single model has no consortium file to set them.

const NO_HOOKS: CallHooks = { onAttempt: () => Effect.void, onRetry: () => Effect.void, onEnd: () => Effect.void };

/**
 * The caps of providers that declare `concurrency`, shared by every call of the eval: single models,
 * judges and every consortium run, so `-j` runs at once never multiply a provider's cap. Beyond
 * that, `-j` is the limit.
 */
const makeSuiteGates = (
  providers: Readonly<Record<string, ProviderConfig>>,
  shared: ProviderGates,
  budget: Budget | undefined
): Gates => ({
  budget,
  enter: (name) => providerGate(shared, providers, name)
});

const singleCall = (
  client: LlmClient["Type"],
  gates: Gates,
  providers: Readonly<Record<string, ProviderConfig>>,
  request: LlmRequest
) =>
  Effect.gen(function* () {
    // The preflight of runSuite has checked every provider; this guards a caller that skipped it.
    const provider = yield* Effect.orDie(lookupProvider(providers, request.provider));
    return yield* callModel(client, provider, request, DEFAULT_LIMITS, gates, NO_HOOKS);
  });

/** A run that ended before its first call. */
const noCalls = (result: RunResult): boolean =>
  result.iterations.length === 0 && (result.unfinished?.responses.length ?? 0) === 0;

const consortiumOutcome = (
  config: ConsortiumConfig,
  prompt: string,
  seed: number,
  options: {
    readonly providerGates: ProviderGates;
    readonly budget: Budget | undefined;
  }
) =>
  // origin "eval": `consortium runs` marks these runs, and `runs --no-evals` leaves them out
  runConsortium(config, prompt, {
    seed,
    // runSuite checked every provider and key of the plan before its first case
    preflighted: true,
    providerGates: options.providerGates,
    origin: "eval",
    ...(options.budget === undefined ? {} : { budget: options.budget })
  }).pipe(
    Effect.map((result): TargetOutcome => {
      const synthesis = result.synthesis;
      return {
        output: synthesis?.text ?? null,
        confidence: synthesis?.confidence ?? null,
        latencyMs: result.durationMs,
        usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
        costUsd: result.usage.costUsd,
        costComplete: result.usage.costComplete,
        runId: result.runId,
        status: result.status,
        error: result.status === "failed" ? (result.error ?? "the run failed") : null,
        ...(result.status === "failed" && noCalls(result) && result.error?.startsWith("budget of ") === true
          ? { refusedByBudget: result.error }
          : {})
      };
    }),
    // runSuite's preflight checked providers and keys, and the run checks none: these cannot happen.
    Effect.catchTags({
      MissingApiKey: (error) => Effect.succeed(failedOutcome(`${error.variable} is not set (${error.provider})`)),
      UnknownProvider: (error) => Effect.succeed(failedOutcome(`unknown provider "${error.provider}"`)),
      InvalidBaseUrl: (error) => Effect.succeed(failedOutcome(`${error.provider}: base URL ${error.problem}`))
    })
  );

/** `suite` must have passed runSuite's preflight: runs check nothing more before their first call. */
export const engineExecutors = (suite: SuiteConfig): Effect.Effect<Executors<LlmClient | RunLog>> =>
  Effect.gen(function* () {
    // The suite's budget covers every call of the eval: consortium runs, single models and judges.
    const budget = suite.budgetUsd === undefined ? undefined : yield* makeBudget(suite.budgetUsd);
    const providerGates = makeProviderGates();
    const gates = makeSuiteGates(suite.providers, providerGates, budget);

    const runModel = (ref: ModelRef & ModelParams, prompt: string) =>
      Effect.gen(function* () {
        const client = yield* LlmClient;
        const outcome = yield* singleCall(client, gates, suite.providers, {
          provider: ref.provider,
          model: ref.model,
          temperature: ref.temperature,
          maxTokens: ref.maxTokens,
          topP: ref.topP,
          system: ref.system,
          messages: [{ role: "user", content: prompt }]
        });
        return {
          output: outcome.error === null ? outcome.text : null,
          confidence: null,
          latencyMs: outcome.latencyMs,
          usage: { inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens },
          costUsd: outcome.usage.costUsd,
          costComplete: outcome.usage.costUsd !== null,
          runId: null,
          status: outcome.error === null ? "completed" : "failed",
          error: outcome.error === null ? null : `${outcome.error.type}: ${outcome.error.message}`,
          ...(outcome.error?.type === "BudgetReached" ? { refusedByBudget: outcome.error.message } : {})
        } satisfies TargetOutcome;
      });

    const judge: Judge<LlmClient> = (ref, request) =>
      Effect.gen(function* () {
        const client = yield* LlmClient;
        // Temperature 0: a grade should not depend on the dice.
        const outcome = yield* singleCall(client, gates, suite.providers, {
          provider: ref.provider,
          model: ref.model,
          temperature: 0,
          system: request.system,
          messages: request.messages
        });
        if (outcome.error !== null) return yield* Effect.fail(`${outcome.error.type}: ${outcome.error.message}`);
        return {
          text: outcome.text,
          usage: { inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens },
          costUsd: outcome.usage.costUsd
        };
      });

    return {
      runTarget: (target, prompt, seed) =>
        target.kind === "consortium"
          ? consortiumOutcome(target.config, prompt, seed, { providerGates, budget })
          : runModel(target.ref, prompt),
      judge,
      ...(budget === undefined
        ? {}
        : {
            budgetStop: Effect.gen(function* () {
              if (!(yield* budget.reached)) return null;
              return budgetReachedMessage(budget.limitUsd, yield* budget.spentUsd);
            })
          })
    };
  });
