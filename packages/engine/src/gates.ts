import type { ConsortiumConfig, ProviderConfig } from "@consortium/config";
import { Effect } from "effect";
import { allOf, type Budget, makeBudget } from "./budget.js";

// Concurrency, declared: one gate for the run (`limits.concurrency`) and one per provider that sets
// `concurrency`. Permits are held for one attempt only, never across a retry's wait, so a call
// backing off after a 429 does not block others.

export interface Gates {
  /** Runs `effect` holding a permit of its provider (when capped), then one of the run. */
  readonly enter: (provider: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>;
  /** What every call through these gates must fit in, when anything limits spending. */
  readonly budget?: Budget | undefined;
}

interface Waiter {
  granted: boolean;
  readonly wake: () => void;
}

/**
 * A first-come, first-served semaphore that hands a released permit to exactly one waiter. Effect's
 * own semaphore wakes every waiter on each release and lets them race for it: with thousands of
 * member instances waiting, a run did N² wake-ups.
 */
export type Gate = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>;

export const makeGate = (permits: number): Gate => {
  let free = permits;
  // A Set keeps insertion order and deletes in O(1): the first entry is the longest waiting.
  const waiting = new Set<Waiter>();
  const release = (): void => {
    for (const next of waiting) {
      waiting.delete(next);
      next.granted = true;
      next.wake();
      return;
    }
    free += 1;
  };
  const wait = Effect.async<void>((resume) => {
    if (free > 0) {
      free -= 1;
      resume(Effect.void);
      return;
    }
    const waiter: Waiter = { granted: false, wake: () => resume(Effect.void) };
    waiting.add(waiter);
    // Interrupted while waiting: leave the queue; already handed a permit: pass it on.
    return Effect.sync(() => {
      if (waiter.granted) release();
      else waiting.delete(waiter);
    });
  });
  // A free permit is taken at once, without an async step: the common case when nothing is capped tight.
  const take = Effect.suspend(() => {
    if (free === 0) return wait;
    free -= 1;
    return Effect.void;
  });
  // One uninterruptible region: taking the permit and the work inside are interruptible, and the
  // permit goes back however the work ends (Effect.ensuring would open a second region per call).
  return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.zipRight(
        restore(take),
        Effect.matchCauseEffect(restore(effect), {
          onFailure: (cause) => {
            release();
            return Effect.failCause(cause);
          },
          onSuccess: (value) => {
            release();
            return Effect.succeed(value);
          }
        })
      )
    );
};

/**
 * The caps of providers that set `concurrency`, by provider name. Runs that share one (the consortium
 * runs, single models and judges of an eval) share the cap: `-j` runs at once never multiply it.
 */
export interface ProviderGates {
  readonly of: (provider: ProviderConfig) => Gate | undefined;
}

export const makeProviderGates = (): ProviderGates => {
  const byName = new Map<string, Gate>();
  return {
    of: (provider) => {
      if (provider.concurrency === undefined) return undefined;
      let gate = byName.get(provider.name);
      if (gate === undefined) {
        gate = makeGate(Math.max(1, provider.concurrency));
        byName.set(provider.name, gate);
      }
      return gate;
    }
  };
};

const open: Gate = (effect) => effect;

/** The gate of provider `name` when `providers` gives it a cap; one that lets everything through otherwise. */
export const providerGate = (
  gates: ProviderGates,
  providers: Readonly<Record<string, ProviderConfig>>,
  name: string
): Gate => {
  const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
  return (provider === undefined ? undefined : gates.of(provider)) ?? open;
};

/**
 * The caps an included consortium's run goes through: the outer run's, by provider name, whatever
 * the inner file says about that provider; a provider only the inner file caps keeps its own cap.
 */
export const nestedProviderGates = (outer: ProviderGates, outerConfig: ConsortiumConfig): ProviderGates => ({
  of: (provider) => {
    const own = Object.hasOwn(outerConfig.providers, provider.name) ? outerConfig.providers[provider.name] : undefined;
    return outer.of(own?.concurrency === undefined ? provider : own);
  }
});

/**
 * `providerGates`: caps the run shares with others (an eval's); `outer`: a spending limit it shares
 * (an eval's budget). The run's own budget is `limits.budget_usd`.
 */
export const makeGates = (
  config: ConsortiumConfig,
  providerGates: ProviderGates = makeProviderGates(),
  outer?: Budget
): Effect.Effect<Gates> =>
  Effect.gen(function* () {
    const own = config.limits.budgetUsd === undefined ? [] : [yield* makeBudget(config.limits.budgetUsd)];
    const budget = allOf([...own, ...(outer === undefined ? [] : [outer])]);
    const run = makeGate(Math.max(1, config.limits.concurrency));
    return {
      budget,
      // Provider first: waiting for a busy provider must not hold one of the run's permits.
      enter: (name) => (effect) => providerGate(providerGates, config.providers, name)(run(effect))
    };
  });
