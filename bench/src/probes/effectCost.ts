import { performance } from "node:perf_hooks";
import { Duration, Effect, Ref, Schedule } from "effect";

// Probe: the CPU each Effect building block of one model call adds (the shape of callModel in
// packages/engine/src/callPolicy.ts), with a 20 ms sleep standing in for the HTTP request.

const CALLS = 8000;
const IN_FLIGHT = 192;

const request = Effect.sleep(Duration.millis(20));
const withTimeout = request.pipe(
  Effect.timeoutFail({ duration: Duration.seconds(120), onTimeout: () => new Error("timeout") })
);
const schedule = () =>
  Schedule.exponential(Duration.seconds(1)).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(30))),
    Schedule.intersect(Schedule.recurs(3)),
    Schedule.passthrough<unknown, unknown, never>,
    Schedule.whileInput(() => true),
    Schedule.modifyDelayEffect((_error, delay) => Effect.succeed(delay))
  );
const builtOnce = schedule();

const bookkeeping = (semaphore: Effect.Semaphore, retrySchedule: () => ReturnType<typeof schedule>) =>
  Effect.gen(function* () {
    const attempts = yield* Ref.make(0);
    const recorded = yield* Ref.make<number | undefined>(undefined);
    const firstStart = yield* Ref.make<number | undefined>(undefined);
    const attempt = Effect.gen(function* () {
      yield* Ref.update(attempts, (n) => n + 1);
      yield* Ref.update(firstStart, (start) => start ?? 1);
      return yield* withTimeout;
    }).pipe(semaphore.withPermits(1));
    const finish = Effect.gen(function* () {
      yield* Ref.get(recorded);
      yield* Ref.set(recorded, 1);
    }).pipe(Effect.uninterruptible);
    return yield* Effect.retry(attempt, retrySchedule()).pipe(
      Effect.matchEffect({ onFailure: () => finish, onSuccess: () => finish }),
      Effect.onInterrupt(() => finish)
    );
  });

const traced = Effect.fn("Probe.call")(function* (inner: Effect.Effect<void>) {
  return yield* inner;
});

const steps: ReadonlyArray<readonly [string, (semaphore: Effect.Semaphore) => Effect.Effect<unknown, unknown>]> = [
  ["the request alone (a sleep in Effect.forEach)", () => request],
  ["+ Effect.timeoutFail per attempt", () => withTimeout],
  ["+ a semaphore permit", (semaphore) => semaphore.withPermits(1)(withTimeout)],
  [
    "+ Effect.retry, schedule built per call",
    (semaphore) => Effect.retry(semaphore.withPermits(1)(withTimeout), schedule())
  ],
  ["  (the same, schedule built once)", (semaphore) => Effect.retry(semaphore.withPermits(1)(withTimeout), builtOnce)],
  ["+ Refs, uninterruptible finish, onInterrupt (= callModel)", (semaphore) => bookkeeping(semaphore, schedule)],
  [
    "+ wrapped in Effect.fn (a span)",
    (semaphore) => traced(Effect.asVoid(Effect.orDie(bookkeeping(semaphore, schedule))))
  ]
];

process.stdout.write(`${CALLS} calls, ${IN_FLIGHT} in flight\n`);
for (const [name, make] of steps) {
  const program = Effect.gen(function* () {
    const semaphore = yield* Effect.makeSemaphore(IN_FLIGHT);
    yield* Effect.forEach(Array.from({ length: CALLS }), () => Effect.ignore(make(semaphore)), {
      concurrency: IN_FLIGHT,
      discard: true
    });
  });
  await Effect.runPromise(program); // warm up
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Effect.runPromise(program);
  const used = process.cpuUsage(cpu);
  const perCall = (used.user + used.system) / CALLS;
  process.stdout.write(
    `${perCall.toFixed(0).padStart(5)} µs CPU per call  ${name} (wall ${(performance.now() - started).toFixed(0)} ms)\n`
  );
}
