import { FiberRef } from "effect";
import type { CallRole } from "./callRole.js";

/**
 * Which call of the run a model request is: its role, the member instance (or the arbiter's fallback
 * index), the round and the layer. Set around each call, so a client that records and replays calls
 * (the eval's cassette) can match a replayed call to the recorded one by what it is, not by the order
 * calls happened to start in, which a provider cap or a back-off can change.
 */
export interface CallSite {
  readonly role: CallRole;
  readonly instance: number;
  readonly iteration: number;
  readonly layer?: number;
}

export const currentCallSite: FiberRef.FiberRef<CallSite | undefined> = FiberRef.unsafeMake<CallSite | undefined>(
  undefined
);
