import type { LlmRequest } from "@consortium/providers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../src/canonicalJson.js";
import { type CassetteEntry, fingerprint, lookupId, scopeId, siteId, summarize } from "../src/cassette/format.js";
import { RecordedRequests, sameJson } from "../src/cassette/recordedRequests.js";

// A replay takes a call's key from the recorded entry whose request equals the call's, instead of
// hashing the call. That is only right if "equal" never holds for two requests with different keys.

// Values a request can hold, undefined members included (JSON drops them, and so must the comparison).
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.integer({ min: -3, max: 3 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null)
  ),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "content", "role"), fc.option(tie("node"), { nil: undefined }), {
      maxKeys: 3
    })
  )
})).node;

describe("sameJson", () => {
  it("is never true for two values whose canonical JSON differs", () => {
    fc.assert(
      fc.property(value, value, (live, other) => {
        const recorded = JSON.parse(canonicalJson(other) ?? "null");
        if (sameJson(live, recorded)) expect(canonicalJson(live)).toBe(canonicalJson(other));
      }),
      { numRuns: 2000 }
    );
  });

  it("is true for a value and its own recording, whatever the key order and undefined members", () => {
    fc.assert(
      fc.property(value, (live) => {
        // NaN and infinities are written as null: those values only ever go to the hash
        fc.pre(!/NaN|Infinity/.test(String(JSON.stringify(live, (_k, v) => (typeof v === "number" ? String(v) : v)))));
        fc.pre(
          !JSON.stringify(live, (_k, v) => (Array.isArray(v) && v.includes(undefined) ? "hole" : v)).includes("hole")
        );
        expect(sameJson(live, JSON.parse(canonicalJson(live) ?? "null"))).toBe(true);
      }),
      { numRuns: 2000 }
    );
  });
});

describe("RecordedRequests", () => {
  const request = (content: string, extra: Partial<LlmRequest> = {}): LlmRequest => ({
    provider: "openai",
    model: "m",
    messages: [{ role: "user", content }],
    temperature: undefined,
    ...extra
  });
  const entry = (content: string, call?: CassetteEntry["call"]): CassetteEntry => ({
    case: "c",
    target: "t",
    key: fingerprint("openai", request(content)),
    occurrence: 0,
    ...(call === undefined ? {} : { call }),
    provider: "openai",
    model: "m",
    request: JSON.parse(canonicalJson(summarize(request(content)))),
    response: { text: content, usage: { inputTokens: 1, outputTokens: 1 } }
  });
  const member = { role: "member" as const, instance: 1, iteration: 1 };
  const index = new RecordedRequests([entry("one", member), entry("two"), { ...entry("three"), case: "other" }]);
  const scope = scopeId("c", "t");

  it("gives the key a hash would give for a recorded request, in its call or among unnamed entries", () => {
    expect(index.keyOf(scope, member, "openai", request("one"))).toBe(fingerprint("openai", request("one")));
    expect(index.keyOf(scope, member, "openai", request("two"))).toBe(fingerprint("openai", request("two")));
    expect(index.keyOf(scope, undefined, "openai", request("two"))).toBe(fingerprint("openai", request("two")));
  });

  it("gives nothing for a request recorded elsewhere or differently: the caller hashes it", () => {
    expect(index.keyOf(scope, undefined, "openai", request("one"))).toBeUndefined();
    expect(index.keyOf(scope, member, "openai", request("three"))).toBeUndefined();
    expect(index.keyOf(scope, member, "azure", request("one"))).toBeUndefined();
    expect(index.keyOf(scope, member, "openai", request("one", { model: "n" }))).toBeUndefined();
    expect(index.keyOf(scope, member, "openai", request("one", { temperature: 0.2 }))).toBeUndefined();
  });

  it("finds the entry a map by lookupId finds, the file's last when a line repeats, for every case, target, call and occurrence", () => {
    const site = fc.option(
      fc.record({
        role: fc.constantFrom("member" as const, "arbiter" as const),
        instance: fc.integer({ min: 0, max: 2 }),
        iteration: fc.integer({ min: 1, max: 2 })
      }),
      { nil: undefined }
    );
    const line = fc.record({
      case: fc.option(fc.constantFrom("c", "d", "null"), { nil: null }),
      target: fc.option(fc.constantFrom("t", "u"), { nil: null }),
      content: fc.constantFrom("one", "two"),
      occurrence: fc.integer({ min: 0, max: 2 }),
      call: site,
      text: fc.string({ maxLength: 3 })
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 10 }), (lines, asked) => {
        const entries = lines.map(
          (one): CassetteEntry => ({
            ...entry(one.content, one.call),
            case: one.case,
            target: one.target,
            occurrence: one.occurrence,
            response: { text: one.text, usage: { inputTokens: 1, outputTokens: 1 } }
          })
        );
        const byLookup = new Map(entries.map((one) => [lookupId(one), one]));
        const recorded = new RecordedRequests(entries);
        for (const ask of [...lines, ...asked]) {
          const key = fingerprint("openai", request(ask.content));
          const expected = byLookup.get(
            lookupId({ case: ask.case, target: ask.target, key, occurrence: ask.occurrence, call: ask.call })
          );
          const found = recorded.entryAt(scopeId(ask.case, ask.target), siteId(ask.call), key, ask.occurrence);
          expect(found).toBe(expected);
        }
      }),
      { numRuns: 500 }
    );
  });
});
