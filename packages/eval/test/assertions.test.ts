import type { Assertion, AssertionType } from "@consortium/config";
import { DEFAULT_JUDGE_REF as DEFAULT_JUDGE } from "@consortium/config";
import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { compileAssertion, SchemaCache } from "../src/assertions/compile.js";
import { type Observation, toResult } from "../src/assertions/types.js";

const observation = (overrides: Partial<Observation> = {}): Observation => ({
  output: "The capital of Australia is Canberra.",
  confidence: 0.9,
  latencyMs: 1200,
  ...overrides
});

const compile = (type: AssertionType, value: unknown, negate = false, schemas = new SchemaCache()) => {
  const assertion: Assertion = { type, negate, value };
  return compileAssertion(assertion, { caseId: "c1", schemas, judge: undefined });
};

const check = (type: AssertionType, value: unknown, seen: Partial<Observation> = {}, negate = false) => {
  const compiled = Either.getOrThrow(compile(type, value, negate));
  if (compiled.kind !== "check") throw new Error("expected a pure check");
  return toResult(compiled, compiled.check(observation(seen)));
};

const invalidMessage = (type: AssertionType, value: unknown): string => {
  const compiled = compile(type, value);
  if (Either.isRight(compiled)) throw new Error("expected the assertion to be rejected");
  return compiled.left.message;
};

describe("text assertions", () => {
  it.each([
    ["equals", "42", "  42\n", "43"],
    ["contains", "Canberra", "in Canberra.", "in canberra."],
    ["icontains", "CANBERRA", "in canberra.", "in Sydney."],
    ["starts-with", "Canberra", "\n Canberra is it", "It is Canberra"],
    ["regex", "\\bcanberra\\b", "canberra", "canberras"],
    ["regex", "/^CANBERRA$/im", "It is\ncanberra\nok", "It is canberra"]
  ] as const)("%s %s passes on %j, fails on %j, and negates", (type, value, passing, failing) => {
    expect(check(type, value, { output: passing })).toMatchObject({ type, pass: true });
    const failed = check(type, value, { output: failing });
    expect(failed).toMatchObject({ type, pass: false });
    expect(failed.reason.length).toBeGreaterThan(0);
    expect(check(type, value, { output: passing }, true)).toMatchObject({ type: `not-${type}`, pass: false });
    expect(check(type, value, { output: failing }, true)).toMatchObject({ type: `not-${type}`, pass: true });
  });

  it("equals with a non-string value compares JSON, whatever the key order", () => {
    expect(check("equals", { a: 1, b: [2] }, { output: '{"b":[2],"a":1}' }).pass).toBe(true);
    expect(check("equals", { a: 1 }, { output: '{"a":2}' }).pass).toBe(false);
    expect(check("equals", { a: 1 }, { output: "not json" }).pass).toBe(false);
  });

  it("a regex with the g flag gives the same answer every time (no lastIndex carried between cases)", () => {
    const compiled = Either.getOrThrow(compile("regex", "/a/g"));
    if (compiled.kind !== "check") throw new Error("expected a pure check");
    const results = [1, 2, 3].map(() => compiled.check(observation({ output: "a" })));
    expect(results.every((outcome) => outcome._tag === "Decided" && outcome.holds)).toBe(true);
  });

  it("reasons quote the value and say what was found", () => {
    expect(check("icontains", "sydney").reason).toBe('output does not contain "sydney" (ignoring case)');
    expect(check("equals", "x", { output: "y" }).reason).toBe('output "y" is not "x"');
  });

  it("rejects values it cannot check, before any call", () => {
    expect(invalidMessage("regex", "(unclosed")).toMatch(/not a valid regular expression/);
    expect(invalidMessage("contains", { a: 1 })).toMatch(/string value/);
    expect(invalidMessage("min-confidence", 1.5)).toMatch(/between 0 and 1/);
    expect(invalidMessage("max-latency-ms", "fast")).toMatch(/milliseconds/);
    expect(invalidMessage("json-schema", "not a schema")).toMatch(/schema object/);
    expect(invalidMessage("json-schema", { type: "no-such-type" })).toMatch(/does not compile/);
    expect(invalidMessage("llm-rubric", "  ")).toMatch(/rubric/);
  });
});

describe("JSON assertions", () => {
  it("is-json accepts JSON, also inside one fence around the whole output", () => {
    expect(check("is-json", undefined, { output: '{"a": 1}' }).pass).toBe(true);
    expect(check("is-json", undefined, { output: '```json\n{"a": 1}\n```' }).pass).toBe(true);
    expect(check("is-json", undefined, { output: 'Here: ```json\n{"a": 1}\n```' }).pass).toBe(false);
    expect(check("is-json", undefined, { output: "{a: 1}" }).pass).toBe(false);
    expect(check("is-json", undefined, { output: "{a: 1}" }, true).pass).toBe(true);
  });

  const schema = {
    type: "object",
    required: ["city"],
    properties: { city: { type: "string" }, population: { type: "integer" } }
  };

  it("json-schema passes a matching object and names every violation", () => {
    expect(check("json-schema", schema, { output: '{"city":"Canberra"}' }).pass).toBe(true);
    const failed = check("json-schema", schema, { output: '{"population":"many"}' });
    expect(failed.pass).toBe(false);
    expect(failed.reason).toMatch(/must have required property 'city'/);
    expect(failed.reason).toMatch(/\/population must be integer/);
    expect(check("json-schema", schema, { output: "nope" }).reason).toMatch(/not JSON/);
    expect(check("json-schema", schema, { output: '{"population":"many"}' }, true).pass).toBe(true);
  });

  it("compiles an identical schema once, however many cases carry it", () => {
    const schemas = new SchemaCache();
    for (const caseId of ["a", "b", "c"]) {
      const copy = JSON.parse(JSON.stringify(schema)) as object;
      const compiled = compileAssertion(
        { type: "json-schema", negate: false, value: copy },
        { caseId, schemas, judge: undefined }
      );
      expect(Either.isRight(compiled)).toBe(true);
    }
    compileAssertion(
      { type: "json-schema", negate: false, value: { type: "string" } },
      {
        caseId: "d",
        schemas,
        judge: undefined
      }
    );
    expect(schemas.size).toBe(2);
  });
});

describe("numeric assertions", () => {
  it("min-confidence compares the synthesis confidence", () => {
    expect(check("min-confidence", 0.8, { confidence: 0.8 }).pass).toBe(true);
    expect(check("min-confidence", 0.8, { confidence: 0.79 })).toMatchObject({
      pass: false,
      reason: "confidence 0.79 < 0.8"
    });
    expect(check("min-confidence", 0.8, { confidence: 0.5 }, true).pass).toBe(true);
  });

  it("min-confidence fails on a single model, negated or not, and says why", () => {
    for (const negate of [false, true]) {
      const result = check("min-confidence", 0.5, { confidence: undefined }, negate);
      expect(result.pass).toBe(false);
      expect(result.reason).toMatch(/single-model target has no confidence/);
    }
  });

  it("max-latency-ms bounds the latency", () => {
    expect(check("max-latency-ms", 1200, { latencyMs: 1200 }).pass).toBe(true);
    expect(check("max-latency-ms", 1000, { latencyMs: 1200 })).toMatchObject({
      pass: false,
      reason: "latency 1200 ms > 1000 ms"
    });
    expect(check("max-latency-ms", 1000, { latencyMs: 1200 }, true).pass).toBe(true);
  });

  it("max-cost-usd fails on a lower bound already over the limit, and cannot pass on one", () => {
    expect(check("max-cost-usd", 0.05, { costUsd: 0.1, costComplete: false })).toMatchObject({
      pass: false,
      reason: "cost ≥ $0.100000 (some calls had no price) > $0.05"
    });
    expect(check("max-cost-usd", 0.05, { costUsd: 0.1, costComplete: false }, true).pass).toBe(true);
    const under = check("max-cost-usd", 0.2, { costUsd: 0.1, costComplete: false });
    expect(under.pass).toBe(false);
    expect(under.reason).toContain("the cost is unknown");
    expect(check("max-cost-usd", 0.2, { costUsd: 0.1, costComplete: false }, true).pass).toBe(false);
    expect(check("max-cost-usd", 0.2, { costUsd: 0.1 }).pass).toBe(true);
  });
});

describe("llm-rubric", () => {
  it("compiles to a judge request: the assertion's judge, else the suite's, else the default", () => {
    const own = { provider: "anthropic", model: "claude-haiku" };
    const suite = { provider: "openai", model: "gpt-4.1" };
    const schemas = new SchemaCache();
    const judgeOf = (assertion: Assertion, judge: typeof suite | undefined) => {
      const compiled = Either.getOrThrow(compileAssertion(assertion, { caseId: "c", schemas, judge }));
      return compiled.kind === "rubric" ? compiled.judge : undefined;
    };
    const rubric: Assertion = { type: "llm-rubric", negate: false, value: "mentions Canberra" };
    expect(judgeOf({ ...rubric, judge: own }, suite)).toEqual(own);
    expect(judgeOf(rubric, suite)).toEqual(suite);
    expect(judgeOf(rubric, undefined)).toEqual(DEFAULT_JUDGE);
  });
});
