import { Effect, Either } from "effect";
import type { StoreError } from "./errors.js";

// What the RunLog and EvalLog do when a write fails. Their methods cannot fail, and they should not:
// the database is the record of a run, not the run. A user waiting on an answer gets it even when the
// disk is full or another process holds the lock past busy_timeout. But a record must not vanish
// quietly either, so a write that fails is
//   1. reported at once as a warning (stderr in the CLI), naming the run and the database;
//   2. kept, and retried before that run's next write, in order (a call cannot land before its run);
//   3. given a last try when the run ends; whatever still could not be written is then reported as
//      lost, with a count, so the user knows the stored record is incomplete.
// A write the database refuses for what it holds (see StoreError.refused) would fail the same way
// every time, and retried it would hold back every later write of its run, the run's ending too:
// it is reported, counted as lost and dropped at once, and the run's other writes go on.
// Writes for one key (a run, an eval) never wait on another key's failures: an eval records many
// runs at once.

export interface PendingWrite {
  readonly what: string;
  readonly write: Effect.Effect<void, StoreError>;
}

export interface WriteBacklog {
  /** Writes what `key` has pending, then `next`; a failure keeps the rest for the next call. */
  readonly submit: (key: string, next: PendingWrite) => Effect.Effect<void>;
  /**
   * `submit` for the last write of `key`: anything still unwritten is reported lost and dropped.
   * Returns how many writes were lost (0: the record is whole), and whether `last` itself landed.
   */
  readonly finish: (key: string, last: PendingWrite) => Effect.Effect<Finished>;
}

export interface Finished {
  readonly lost: number;
  readonly lastWritten: boolean;
}

export const makeWriteBacklog = (kind: "run" | "eval", path: string): Effect.Effect<WriteBacklog> =>
  Effect.gen(function* () {
    // Keys with writes still pending. Plain state: every access is a synchronous step of a fiber.
    const backlog = new Map<string, ReadonlyArray<PendingWrite>>();
    // Replaying a key's backlog takes this lock, so its writes land once each and in order. A key with
    // nothing pending (the usual case) writes at once without it, so the writes of many runs ending
    // together can share one transaction (see batch.ts).
    const lock = yield* Effect.makeSemaphore(1);
    // Writes of each key dropped because the database refused them, until the key finishes.
    const dropped = new Map<string, number>();

    const warn = (name: string, item: PendingWrite, message: string) =>
      Effect.logWarning(`${kind} ${name}: could not save the ${item.what} to ${path} (${message}); will retry`);

    const drop = (name: string, item: PendingWrite, message: string) =>
      Effect.suspend(() => {
        dropped.set(name, (dropped.get(name) ?? 0) + 1);
        return Effect.logWarning(
          `${kind} ${name}: could not save the ${item.what} to ${path} (${message}); not retried: the database refuses it`
        );
      });

    /** Returns how many writes are still pending for `key`. */
    const flush = (name: string, next: PendingWrite) =>
      Effect.gen(function* () {
        const pending = backlog.get(name) ?? [];
        // Taken out while they are replayed: a direct write failing meanwhile queues after them.
        backlog.set(name, []);
        const queue = [...pending, next];
        let written = 0;
        for (const item of queue) {
          const outcome = yield* Effect.either(item.write);
          if (Either.isLeft(outcome) && outcome.left.refused === true) {
            yield* drop(name, item, outcome.left.message);
            written += 1;
            continue;
          }
          if (Either.isLeft(outcome)) {
            // Warn on a new failure, not again each time the same stuck write is retried.
            if (pending.length === 0 || written > 0) yield* warn(name, item, outcome.left.message);
            break;
          }
          written += 1;
        }
        const rest = [...queue.slice(written), ...(backlog.get(name) ?? [])];
        if (rest.length === 0) backlog.delete(name);
        else backlog.set(name, rest);
        return rest.length;
      }).pipe(
        lock.withPermits(1),
        // All or nothing: interrupted halfway, a write that landed could stay queued and land twice.
        Effect.uninterruptible
      );

    /** Nothing pending: write now; a failure starts this key's backlog. */
    const direct = (name: string, next: PendingWrite) =>
      Effect.matchEffect(next.write, {
        onSuccess: () => Effect.succeed(0),
        onFailure: (error) =>
          Effect.suspend(() => {
            if (error.refused === true) return Effect.as(drop(name, next, error.message), 0);
            const pending = backlog.get(name) ?? [];
            backlog.set(name, [...pending, next]);
            if (pending.length > 0) return Effect.succeed(pending.length + 1);
            return Effect.as(warn(name, next, error.message), 1);
          })
      }).pipe(Effect.uninterruptible);

    const write = (name: string, next: PendingWrite) =>
      Effect.suspend(() => (backlog.has(name) ? flush(name, next) : direct(name, next)));

    const submit = (name: string, next: PendingWrite) => Effect.asVoid(write(name, next));

    const finish = (name: string, last: PendingWrite) =>
      Effect.gen(function* () {
        let lastWritten = false;
        const tracked = { ...last, write: Effect.tap(last.write, () => Effect.sync(() => (lastWritten = true))) };
        const lost = (yield* write(name, tracked)) + (dropped.get(name) ?? 0);
        dropped.delete(name);
        backlog.delete(name);
        if (lost > 0) {
          yield* Effect.logWarning(
            `${kind} ${name}: ${lost} record(s) could not be saved to ${path}; its stored record is incomplete (the result itself is unaffected)`
          );
        }
        return { lost, lastWritten };
      });

    return { submit, finish };
  });
