import type { StrategyConfig } from "@consortium/config";
import type { Elimination, RankedAnswer } from "./result.js";
import type { MemberInstance } from "./runContext.js";

// Elimination between rounds, as one pure decision: after a ranked round, the lowest-ranked instances
// still in play sit out the rest of the run, never leaving fewer than keep_at_least. Instances that gave
// no answer this round are not ranked, so they are not eliminated for it (a failure may be passing).

export const eliminate = (
  strategy: StrategyConfig | undefined,
  active: ReadonlyArray<MemberInstance>,
  ranking: ReadonlyArray<RankedAnswer>,
  iteration: number
): { readonly eliminated: ReadonlyArray<Elimination>; readonly remaining: ReadonlyArray<MemberInstance> } => {
  if (strategy === undefined || strategy.eliminate === 0) return { eliminated: [], remaining: active };
  const room = Math.max(0, Math.min(strategy.eliminate, active.length - strategy.keepAtLeast));
  const worstFirst = ranking
    .map((answer, place) => ({ answer, place }))
    .reverse()
    .filter(({ answer }) =>
      active.some((instance) => instance.member === answer.member && instance.instance === answer.instance)
    )
    .slice(0, room);
  const eliminated = worstFirst.map(({ answer, place }) => ({
    member: answer.member,
    instance: answer.instance,
    reason: `ranked ${place + 1} of ${ranking.length} in iteration ${iteration}`
  }));
  const remaining = active.filter(
    (instance) => !eliminated.some((out) => out.member === instance.member && out.instance === instance.instance)
  );
  return { eliminated, remaining };
};
