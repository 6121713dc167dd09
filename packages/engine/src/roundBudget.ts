import { maxCostOf } from "@consortium/providers";
import { Effect, Ref } from "effect";
import { DEFAULT_RESERVED_OUTPUT_TOKENS, promptTokenBound } from "./budget.js";
import { worstCaseUsd } from "./callPolicy.js";
import { withHistory } from "./conversation.js";
import { priceFor } from "./cost.js";
import { memberRequest } from "./memberRequest.js";
import type { Ending } from "./outcome.js";
import { arbiterPrompt, type PreviousRound } from "./prompts.js";
import { providerOf, type RunContext } from "./runContext.js";

// Before a round starts: would the whole round fit in what is left of the budget at its worst (every
// member, every further layer and peer review, and the arbiter writing their max_tokens)? A round that might not finish is not started, so
// a budget stops a run between rounds, with the last synthesis, rather than halfway through one.
// Each call still reserves its own worst case as it starts (callModel), which is the hard guard.

/** The most one round can cost: every member's request, and the arbiter reading every answer at its longest. */
export const roundWorstCaseUsd = (
  context: RunContext,
  iteration: number,
  previous: PreviousRound | undefined
): Effect.Effect<number> =>
  Effect.gen(function* () {
    const { config } = context;
    let usd = 0;
    let answerTokens = 0;
    // An included consortium's run checks its own rounds against the budget it shares with this run.
    const models = context.instances.filter((instance) => instance.config.consortium === undefined);
    for (const instance of models) {
      const request = memberRequest(context, instance, iteration, previous);
      usd += worstCaseUsd(yield* providerOf(config, instance.config), request);
      answerTokens += (request.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS) + 16;
    }
    // Each further layer, and a peer review, is one more call per instance that also reads every answer.
    const moreCalls = (config.layers ?? 1) - 1 + (config.judging === "peer-review" ? 1 : 0);
    for (const instance of moreCalls === 0 ? [] : models) {
      const request = memberRequest(context, instance, iteration, previous);
      const price = priceFor(yield* providerOf(config, instance.config), instance.config.model);
      usd +=
        moreCalls *
        (price === undefined
          ? Number.POSITIVE_INFINITY
          : maxCostOf(
              price,
              promptTokenBound(request) + answerTokens,
              request.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS
            ));
    }
    const arbiter = config.arbiter;
    if (arbiter === undefined) return usd;
    const earlier = (yield* Ref.get(context.progress)).iterations.map((round) => round.synthesis.text).join("\n");
    const frame = arbiterPrompt(context.templates, {
      prompt: context.prompt,
      system: config.system,
      iteration,
      answers: [],
      history: []
    });
    const arbiterPromptTokens =
      promptTokenBound({
        system: arbiter.system,
        messages: withHistory(context.history, `${frame}${earlier}`)
      }) + answerTokens;
    const price = priceFor(yield* providerOf(config, arbiter), arbiter.model);
    usd +=
      price === undefined
        ? Number.POSITIVE_INFINITY
        : maxCostOf(price, arbiterPromptTokens, arbiter.maxTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS);
    return usd;
  });

/** The ending that stops the run before this round, or undefined when the round fits (or no budget applies). */
const NO_STOP: Effect.Effect<Ending | undefined> = Effect.succeed(undefined);

export const budgetStopBefore = (
  context: RunContext,
  iteration: number,
  previous: PreviousRound | undefined
): Effect.Effect<Ending | undefined> => {
  const budget = context.gates.budget;
  // Most runs have no budget: one step, not a generator's.
  if (budget === undefined) return NO_STOP;
  return Effect.gen(function* () {
    const worst = yield* roundWorstCaseUsd(context, iteration, previous);
    // Reserved and released at once: only the check, which also marks the budget reached when it fails.
    if (yield* budget.reserve(worst)) {
      yield* budget.settle(worst, 0);
      return undefined;
    }
    return {
      _tag: "BudgetReached",
      iteration,
      limitUsd: budget.limitUsd,
      spentUsd: yield* budget.spentUsd,
      next: "round",
      refusal: yield* budget.refused
    };
  });
};

/** The ending for a round in which some call was refused by the budget, if one was. */
export const budgetStopIn = (
  context: RunContext,
  iteration: number,
  errors: ReadonlyArray<{ readonly type: string } | null>
): Effect.Effect<Ending | undefined> => {
  const budget = context.gates.budget;
  if (budget === undefined || !errors.some((error) => error?.type === "BudgetReached")) return NO_STOP;
  return Effect.map(
    Effect.all([budget.spentUsd, budget.refused]),
    ([spentUsd, refusal]): Ending => ({
      _tag: "BudgetReached",
      iteration,
      limitUsd: budget.limitUsd,
      spentUsd,
      next: "call",
      refusal
    })
  );
};
