import { Effect } from "effect";
import type { Backend, Db } from "./Db.js";
import { messageOf, StoreError } from "./errors.js";

// How the repositories reach the database: every failure becomes one StoreError line naming the
// operation and the location, and a write, once started, is not cut short.

export interface Access {
  readonly location: string;
  readonly read: <A>(operation: string, run: (db: Db) => Promise<A>) => Effect.Effect<A, StoreError>;
  /** Uninterruptible: that is how an interrupted run still gets its `interrupted` ending recorded. */
  readonly write: <A>(operation: string, run: (db: Db) => Promise<A>) => Effect.Effect<A, StoreError>;
  readonly fail: (operation: string, reason: string) => StoreError;
}

export const makeAccess = (backend: Backend): Access => {
  const fail = (operation: string, reason: string) =>
    new StoreError({ operation, path: backend.location, message: `${operation} (${backend.location}): ${reason}` });
  const read = <A>(operation: string, run: (db: Db) => Promise<A>) =>
    Effect.tryPromise({ try: () => run(backend.db), catch: (cause) => fail(operation, messageOf(cause)) });
  return {
    location: backend.location,
    read,
    write: (operation, run) => Effect.uninterruptible(read(operation, run)),
    fail
  };
};
