import type { CallSite } from "@consortium/engine";
import type { LlmRequest } from "@consortium/providers";
import { type CassetteEntry, scopeId, siteId } from "./format.js";

// A replay needs each call's key (the sha256 of its request in canonical JSON) to find its answer.
// Hashing every request costs more than the rest of the lookup. The cassette's entries are indexed
// once, by case, target and call; a replayed call compares its request with the few entries recorded
// for that call, and one that recorded the very same request gives its key. Only a request that
// matches none (a miss, or a value JSON spells differently) is hashed.

export class RecordedRequests {
  private readonly byCall = new Map<string, Array<CassetteEntry>>();

  constructor(entries: ReadonlyArray<CassetteEntry>) {
    for (const entry of entries) {
      const slot = `${scopeId(entry.case, entry.target)}${siteId(entry.call)}`;
      const same = this.byCall.get(slot);
      if (same === undefined) this.byCall.set(slot, [entry]);
      else same.push(entry);
    }
  }

  /**
   * The entry recorded for this case and target (`scope`), call (`site`, from siteId; "" for an entry
   * naming none), request key and occurrence: the one a map by lookupId would give, the last such
   * line when a file repeats one. The entries of one call are few, so no map of every entry is built.
   */
  entryAt(scope: string, site: string, key: string, occurrence: number): CassetteEntry | undefined {
    const same = this.byCall.get(`${scope}${site}`);
    if (same === undefined) return undefined;
    for (let index = same.length - 1; index >= 0; index--) {
      const entry = same[index]!;
      if (entry.key === key && entry.occurrence === occurrence) return entry;
    }
    return undefined;
  }

  /**
   * The key of an entry of this case and target that recorded exactly `request` to `provider`: first
   * among the entries of this very call, then among those that name no call (older cassettes).
   * Undefined when none did; the caller then hashes the request.
   */
  keyOf(scope: string, call: CallSite | undefined, provider: string, request: LlmRequest): string | undefined {
    const named = call === undefined ? undefined : this.byCall.get(`${scope}${siteId(call)}`);
    return keyAmong(named, provider, request) ?? keyAmong(this.byCall.get(scope), provider, request);
  }
}

const keyAmong = (
  entries: ReadonlyArray<CassetteEntry> | undefined,
  provider: string,
  request: LlmRequest
): string | undefined => {
  if (entries === undefined) return undefined;
  for (const entry of entries) {
    if (entry.provider === provider && entry.model === request.model && sameSummary(request, entry.request)) {
      return entry.key;
    }
  }
  return undefined;
};

/** `request` without provider and model equals `recorded` as JSON would write both (undefined members dropped). */
const sameSummary = (request: LlmRequest, recorded: object): boolean => {
  let members = 0;
  for (const [name, value] of Object.entries(request)) {
    if (name === "provider" || name === "model" || value === undefined) continue;
    members += 1;
    if (!Object.hasOwn(recorded, name) || !sameJson(value, (recorded as Record<string, unknown>)[name])) return false;
  }
  return members === Object.keys(recorded).length;
};

/**
 * Whether `live` and `recorded` (parsed from JSON) are the same JSON value. Never true for two values
 * JSON writes differently; it may be false for some that it writes alike (NaN and null, an undefined
 * array element), which only sends that request to the hash.
 */
export const sameJson = (live: unknown, recorded: unknown): boolean => {
  if (live === recorded) return true;
  if (typeof live !== "object" || typeof recorded !== "object" || live === null || recorded === null) return false;
  if (Array.isArray(live)) {
    if (!Array.isArray(recorded) || live.length !== recorded.length) return false;
    for (let index = 0; index < live.length; index++) {
      if (!sameJson(live[index], recorded[index])) return false;
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(live);
  // a class instance may write itself differently (toJSON): only plain objects are compared
  if (Array.isArray(recorded) || (prototype !== Object.prototype && prototype !== null)) return false;
  let members = 0;
  for (const [name, value] of Object.entries(live)) {
    if (value === undefined) continue;
    members += 1;
    if (!Object.hasOwn(recorded, name) || !sameJson(value, (recorded as Record<string, unknown>)[name])) return false;
  }
  return members === Object.keys(recorded).length;
};
