import { locally } from "@consortium/engine";
import { Effect, FiberRef, Ref } from "effect";

/**
 * Which case and target a model call belongs to. The runner sets it around each case × target; the
 * engine's forked fibers inherit it, so the cassette layers can key recordings by case and name the
 * case in a replay miss without the engine knowing anything about evals.
 */
export interface CallScope {
  readonly caseId: string;
  readonly target: string;
  /**
   * Replay misses seen in this scope. The LlmClient contract can only fail with an LlmError, and the
   * engine turns a failed member call into data (it goes on with the others), so a miss could pass
   * unnoticed; the runner reads this after the case and fails it loudly.
   */
  readonly replayMisses: Ref.Ref<ReadonlyArray<string>>;
}

export const currentCallScope: FiberRef.FiberRef<CallScope | undefined> = FiberRef.unsafeMake<CallScope | undefined>(
  undefined
);

/** Runs `effect` with its model calls attributed to this case and target; returns the misses too. */
export const withCallScope = <A, E, R>(
  caseId: string,
  target: string,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<{ readonly value: A; readonly replayMisses: ReadonlyArray<string> }, E, R> =>
  Effect.flatMap(Ref.make<ReadonlyArray<string>>([]), (replayMisses) =>
    Effect.flatMap(locally(effect, currentCallScope, { caseId, target, replayMisses }), (value) =>
      Effect.map(Ref.get(replayMisses), (misses) => ({ value, replayMisses: misses }))
    )
  );
