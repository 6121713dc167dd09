import { Effect, FiberRef } from "effect";

/**
 * `Effect.locally` for steps that run thousands of times (an eval case's scope of its model calls):
 * the same value while `effect` runs and the same restore whatever way it ends, interrupt included, in
 * about half the Effect steps. `Effect.locally` reads then sets the ref and restores it through
 * acquireUseRelease (an exit value and a second continuation); here the ref is swapped in one step
 * and put back in the continuation that sees `effect` end.
 */
export const locally = <A, E, R, V>(
  effect: Effect.Effect<A, E, R>,
  ref: FiberRef.FiberRef<V>,
  value: V
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(FiberRef.getAndSet(ref, value), (outer) =>
      Effect.matchCauseEffect(restore(effect), {
        onFailure: (cause) => Effect.zipRight(FiberRef.set(ref, outer), Effect.failCause(cause)),
        onSuccess: (done) => Effect.as(FiberRef.set(ref, outer), done)
      })
    )
  );
