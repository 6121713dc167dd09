import { describe, expect, it } from "@effect/vitest";
import { Effect, Fiber, Option, Ref, Supervisor, TestClock } from "effect";
import { makeGates } from "../src/gates.js";
import { limits, makeConfig, provider } from "./support.js";

// The gates hold thousands of waiting calls when a consortium has thousands of instances. Releasing a
// permit must wake one waiter, not all of them: waking every waiter each time made a run of N instances
// cost N² fiber wake-ups (2,000 instances took 92 s against an instant server).

/** Counts fiber resumptions: the work the scheduler does, independent of the machine's speed. */
class ResumeCounter extends Supervisor.AbstractSupervisor<void> {
  resumes = 0;
  value = Effect.void;
  override onResume(): void {
    this.resumes += 1;
  }
}

const waitersThrough = (count: number, concurrency: number) =>
  Effect.gen(function* () {
    const config = makeConfig({ limits: limits({ concurrency }), providers: { p: provider("p", 3) } });
    const gates = yield* makeGates(config);
    const inFlight = yield* Ref.make(0);
    const peak = yield* Ref.make(0);
    const counter = new ResumeCounter();
    yield* Effect.forEach(
      Array.from({ length: count }, (_, i) => i),
      () =>
        gates.enter("p")(
          Effect.gen(function* () {
            const now = yield* Ref.updateAndGet(inFlight, (n) => n + 1);
            yield* Ref.update(peak, (p) => Math.max(p, now));
            yield* Effect.yieldNow();
            yield* Ref.update(inFlight, (n) => n - 1);
          })
        ),
      { concurrency: "unbounded", discard: true }
    ).pipe(Effect.supervised(counter));
    return { resumes: counter.resumes, peak: yield* Ref.get(peak) };
  });

describe("gates", () => {
  it.effect("hold the provider cap, and a release wakes one waiter: work grows linearly with the waiters", () =>
    Effect.gen(function* () {
      const small = yield* waitersThrough(250, 8);
      const large = yield* waitersThrough(2000, 8);
      expect(small.peak).toBe(3);
      expect(large.peak).toBe(3);
      // linear: 8× the waiters may cost about 8× the wake-ups, never 64×
      expect(large.resumes).toBeLessThan(small.resumes * 12);
    })
  );

  it.effect(
    "a waiter interrupted while waiting gives up its place; one interrupted after being granted passes the permit on",
    () =>
      Effect.gen(function* () {
        const config = makeConfig({ limits: limits({ concurrency: 1 }) });
        const gates = yield* makeGates(config);
        const holder = yield* Effect.fork(gates.enter("p")(Effect.sleep("1 second")));
        yield* Effect.yieldNow();
        const waiting = yield* Effect.fork(gates.enter("p")(Effect.never));
        const next = yield* Effect.fork(gates.enter("p")(Effect.succeed("ran")));
        yield* Effect.yieldNow();
        yield* Fiber.interrupt(waiting);
        yield* TestClock.adjust("1 second");
        yield* Fiber.join(holder);
        expect(yield* Fiber.join(next)).toBe("ran");
      })
  );

  it.effect("a call that fails, dies or is interrupted while holding its permits gives them back", () =>
    Effect.gen(function* () {
      const config = makeConfig({ limits: limits({ concurrency: 1 }), providers: { p: provider("p", 1) } });
      const gates = yield* makeGates(config);
      // With one permit each, a permit kept by an earlier call leaves the next one waiting for ever.
      const endsAtOnce = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(gates.enter("p")(effect));
          yield* Effect.yieldNow();
          const exit = yield* Fiber.poll(fiber);
          if (Option.isNone(exit)) yield* Fiber.interrupt(fiber);
          return Option.map(exit, (ended) => ended._tag);
        });
      expect(yield* endsAtOnce(Effect.fail("refused"))).toEqual(Option.some("Failure"));
      expect(yield* endsAtOnce(Effect.die("broken"))).toEqual(Option.some("Failure"));
      const holder = yield* Effect.fork(gates.enter("p")(Effect.never));
      yield* Effect.yieldNow();
      yield* Fiber.interrupt(holder);
      expect(yield* endsAtOnce(Effect.succeed("ran"))).toEqual(Option.some("Success"));
    })
  );
});
