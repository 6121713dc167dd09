import { Effect, Either, Ref } from "effect";
import type { StoreError } from "./errors.js";

// What the RunLog and EvalLog do when a write fails. Their methods cannot fail, and they should not:
// the database is the record of a run, not the run. A user waiting on an answer gets it even when the
// disk is full or another process holds the lock past busy_timeout. But a record must not vanish
// quietly either, so a write that fails is
//   1. reported at once as a warning (stderr in the CLI), naming the run and the database;
//   2. kept, and retried before that run's next write, in order (a call cannot land before its run);
//   3. given a last try when the run ends; whatever still could not be written is then reported as
//      lost, with a count, so the user knows the stored record is incomplete.
// Writes for one key (a run, an eval) never wait on another key's failures: an eval records many
// runs at once.

export interface PendingWrite {
  readonly what: string;
  readonly write: Effect.Effect<void, StoreError>;
}

export interface WriteBacklog {
  /** Writes what `key` has pending, then `next`; a failure keeps the rest for the next call. */
  readonly submit: (key: string, next: PendingWrite) => Effect.Effect<void>;
  /** `submit` for the last write of `key`: anything still unwritten is reported lost and dropped. */
  readonly finish: (key: string, last: PendingWrite) => Effect.Effect<void>;
}

export const makeWriteBacklog = (kind: "run" | "eval", path: string): Effect.Effect<WriteBacklog> =>
  Effect.gen(function* () {
    const backlog = yield* Ref.make<ReadonlyMap<string, ReadonlyArray<PendingWrite>>>(new Map());
    // One writer at a time keeps each key's writes in order; SQLite serialises them anyway.
    const lock = yield* Effect.makeSemaphore(1);

    const setPending = (key: string, rest: ReadonlyArray<PendingWrite>) =>
      Ref.update(backlog, (map) => {
        const updated = new Map(map);
        if (rest.length === 0) updated.delete(key);
        else updated.set(key, rest);
        return updated;
      });

    /** Returns how many writes are still pending for `key`. */
    const flush = (key: string, next: PendingWrite) =>
      Effect.gen(function* () {
        const pending = (yield* Ref.get(backlog)).get(key) ?? [];
        const queue = [...pending, next];
        let written = 0;
        for (const item of queue) {
          const outcome = yield* Effect.either(item.write);
          if (Either.isLeft(outcome)) {
            // Warn on a new failure, not again each time the same stuck write is retried.
            if (pending.length === 0 || written > 0) {
              yield* Effect.logWarning(
                `${kind} ${key}: could not save the ${item.what} to ${path} (${outcome.left.message}); will retry`
              );
            }
            break;
          }
          written += 1;
        }
        const rest = queue.slice(written);
        yield* setPending(key, rest);
        return rest.length;
      }).pipe(
        lock.withPermits(1),
        // All or nothing: interrupted halfway, a write that landed could stay queued and land twice.
        Effect.uninterruptible
      );

    const submit = (key: string, next: PendingWrite) => Effect.asVoid(flush(key, next));

    const finish = (key: string, last: PendingWrite) =>
      Effect.gen(function* () {
        const lost = yield* flush(key, last);
        if (lost === 0) return;
        yield* setPending(key, []);
        yield* Effect.logWarning(
          `${kind} ${key}: ${lost} record(s) could not be saved to ${path}; its stored record is incomplete (the result itself is unaffected)`
        );
      });

    return { submit, finish };
  });
