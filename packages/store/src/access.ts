import { Effect } from "effect";
import type { Backend, Db } from "./Db.js";
import { isRefusal, StoreError, storeMessageOf } from "./errors.js";

// How the repositories reach the database: every failure becomes one StoreError line naming the
// operation and the location, and a write, once started, is not cut short. Before a read, the rows
// still waiting in the batch (see batch.ts) are committed, so a read sees every write made before it,
// and a caller polling the database cannot hold the batch back by keeping the event loop's turn open.

export interface Access {
  readonly location: string;
  readonly read: <A>(operation: string, run: (db: Db) => Promise<A>) => Effect.Effect<A, StoreError>;
  /** Uninterruptible: that is how an interrupted run still gets its `interrupted` ending recorded. */
  readonly write: <A>(operation: string, run: (db: Db) => Promise<A>) => Effect.Effect<A, StoreError>;
  readonly fail: (operation: string, reason: string, refused?: boolean) => StoreError;
}

export const makeAccess = (backend: Backend, pending: () => Promise<void> = () => Promise.resolve()): Access => {
  const fail = (operation: string, reason: string, refused = false) =>
    new StoreError({
      operation,
      path: backend.location,
      message: `${operation} (${backend.location}): ${reason}`,
      ...(refused ? { refused } : {})
    });
  const attempt = <A>(operation: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => fail(operation, storeMessageOf(cause), isRefusal(cause)) });
  return {
    location: backend.location,
    read: (operation, run) => attempt(operation, () => pending().then(() => run(backend.db))),
    // Writes need no such wait: each batched write's caller waits for its commit before going on.
    write: (operation, run) => Effect.uninterruptible(attempt(operation, () => run(backend.db))),
    fail
  };
};
