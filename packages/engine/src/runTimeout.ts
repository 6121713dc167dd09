import { Clock, Context, DefaultServices, Duration, Effect, type Exit, Fiber, Option } from "effect";

// The run timeout: the rounds, cut off after `ms` (then None). Effect.timeoutOption races the rounds
// against a forked sleep: two fibers per run, the loser interrupted and awaited, and the rounds' own
// fibers joined into a fiber that is not the run's. On the live clock (every real run) the rounds get
// one fiber and the run waits for it or for a plain timer, whichever comes first; under any other
// clock (TestClock in tests) time is the clock's to tell, so the race stays. The rounds' FiberRefs
// are not joined back into the run: nothing after the rounds reads any they set.

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock);

/** The longest delay setTimeout takes; a longer timeout never fires, as the live clock's sleep. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const onTimer = <A, E>(rounds: Effect.Effect<A, E>, ms: number): Effect.Effect<Option.Option<A>, E> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.fork(restore(rounds)), (fiber: Fiber.RuntimeFiber<A, E>) =>
      restore(
        Effect.async<Option.Option<A>, E>((resume) => {
          let settled = false;
          const ended = (exit: Exit.Exit<A, E>) => {
            if (settled) return;
            settled = true;
            if (timer !== undefined) clearTimeout(timer);
            resume(exit._tag === "Success" ? Effect.succeed(Option.some(exit.value)) : Effect.failCause(exit.cause));
          };
          // Cut off: the rounds are interrupted (their calls recorded as such) before the run goes on.
          const timer =
            ms > MAX_TIMER_MS
              ? undefined
              : setTimeout(() => {
                  if (settled) return;
                  settled = true;
                  resume(Effect.as(Fiber.interrupt(fiber), Option.none()));
                }, ms);
          fiber.addObserver(ended);
          // The run itself interrupted: so are its rounds, and the run waits until they have ended.
          return Effect.suspend(() => {
            settled = true;
            if (timer !== undefined) clearTimeout(timer);
            fiber.removeObserver(ended);
            return Fiber.interrupt(fiber);
          });
        })
      )
    )
  );

/** `rounds` cut off after `ms` milliseconds of the run's clock: None when they were. */
export const withRunTimeout = <A, E>(rounds: Effect.Effect<A, E>, ms: number): Effect.Effect<Option.Option<A>, E> =>
  Effect.clockWith((clock) =>
    clock === liveClock ? onTimer(rounds, ms) : Effect.timeoutOption(rounds, Duration.millis(ms))
  );
