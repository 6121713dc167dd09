import { addUsd, type ModelPrice, type ProviderConfig, priceOf } from "@consortium/config";
import { costOf, type Usage as Tokens } from "@consortium/providers";
import type { ArbiterCall, MemberResponse, RunUsage, UnfinishedIteration, Usage } from "./result.js";

// Costs from tokens, and their sums. A call that used no tokens cost nothing, priced or not; one that
// did, on a model without a price, costs null and makes every sum it is part of a lower bound.

export const priceFor = (provider: ProviderConfig, model: string): ModelPrice | undefined => priceOf(provider, model);

export const withCost = (tokens: Tokens, price: ModelPrice | undefined): Usage => ({
  ...tokens,
  costUsd: tokens.inputTokens === 0 && tokens.outputTokens === 0 ? 0 : costOf(tokens, price)
});

/** A sum of costs where null is an unpriced part: the priced parts summed, null only if none was. */
export const addCost = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : addUsd(a, b);

const addOptional = (a: number | undefined, b: number | undefined): number => (a ?? 0) + (b ?? 0);

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

export const addUsage = (a: Usage, b: Usage): Usage => {
  const cacheRead = addOptional(a.cacheReadTokens, b.cacheReadTokens);
  const cacheWrite = addOptional(a.cacheWriteTokens, b.cacheWriteTokens);
  // The usual sum, with no cache tokens, built without the spreads below (sums run per call and round).
  if (cacheRead === 0 && cacheWrite === 0) {
    return {
      inputTokens: a.inputTokens + b.inputTokens,
      outputTokens: a.outputTokens + b.outputTokens,
      costUsd: addCost(a.costUsd, b.costUsd)
    };
  }
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cacheRead > 0 ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite > 0 ? { cacheWriteTokens: cacheWrite } : {}),
    costUsd: addCost(a.costUsd, b.costUsd)
  };
};

/** A call as `provider/model` with its usage: what the sums below need from members and arbiters. */
interface CostedCall {
  readonly model: string;
  readonly usage: Usage;
}

type Round = {
  readonly responses: ReadonlyArray<MemberResponse>;
  readonly arbiterFailures?: ReadonlyArray<ArbiterCall> | undefined;
  readonly arbiter?: ArbiterCall | null;
  /** peer-review's reviewer calls: `member` is `provider/model`. */
  readonly reviews?: ReadonlyArray<{ readonly member: string; readonly usage: Usage }>;
};

export const callsOf = (round: Round): Array<CostedCall> => [
  ...round.responses.map((response) => ({ model: response.member, usage: response.usage })),
  ...(round.arbiterFailures ?? []).map((call) => ({ model: call.model, usage: call.usage })),
  ...(round.arbiter === undefined || round.arbiter === null
    ? []
    : [{ model: round.arbiter.model, usage: round.arbiter.usage }]),
  ...(round.reviews ?? []).map((review) => ({ model: review.member, usage: review.usage }))
];

export const sumUsage = (calls: ReadonlyArray<CostedCall>): Usage =>
  calls.reduce((sum, call) => addUsage(sum, call.usage), {
    inputTokens: 0,
    outputTokens: 0,
    // null until some call is priced, so an all-unpriced sum is not a silent 0
    costUsd: calls.length === 0 ? 0 : null
  } as Usage);

/** The whole run: totals, and whether every call's model had a price. */
export const runUsage = (rounds: ReadonlyArray<Round | UnfinishedIteration>): RunUsage => {
  const calls = rounds.flatMap(callsOf);
  // One pass, and no sort when every call was priced (a run's end computes this).
  const unpricedModels = new Set<string>();
  for (const call of calls) if (call.usage.costUsd === null) unpricedModels.add(call.model);
  const unpriced = unpricedModels.size === 0 ? [] : [...unpricedModels].sort();
  return { ...sumUsage(calls), costComplete: unpriced.length === 0, unpricedModels: unpriced };
};
