import type { ConsortiumConfig } from "@consortium/config";
import { Effect } from "effect";
import { allOf, type Budget, makeBudget } from "./budget.js";

// Concurrency, declared: one semaphore for the run (`limits.concurrency`) and one per provider that
// sets `concurrency`. Permits are held for one attempt only, never across a retry's wait, so a call
// backing off after a 429 does not block others.

export interface Gates {
  /** Runs `effect` holding a permit of its provider (when capped), then one of the run. */
  readonly enter: (provider: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>;
  /** What every call through these gates must fit in, when anything limits spending. */
  readonly budget?: Budget | undefined;
}

/** `outer`: a limit the run shares with others (an eval's budget); the run's own is `limits.budget_usd`. */
export const makeGates = (config: ConsortiumConfig, outer?: Budget): Effect.Effect<Gates> =>
  Effect.gen(function* () {
    const own = config.limits.budgetUsd === undefined ? [] : [yield* makeBudget(config.limits.budgetUsd)];
    const budget = allOf([...own, ...(outer === undefined ? [] : [outer])]);
    const run = yield* Effect.makeSemaphore(Math.max(1, config.limits.concurrency));
    const perProvider = new Map<string, Effect.Semaphore>();
    for (const [name, provider] of Object.entries(config.providers)) {
      if (provider.concurrency !== undefined) {
        perProvider.set(name, yield* Effect.makeSemaphore(Math.max(1, provider.concurrency)));
      }
    }
    return {
      budget,
      enter: (provider) => (effect) => {
        const inRun = run.withPermits(1)(effect);
        // Provider first: waiting for a busy provider must not hold one of the run's permits.
        const capped = perProvider.get(provider);
        return capped === undefined ? inRun : capped.withPermits(1)(inRun);
      }
    };
  });
