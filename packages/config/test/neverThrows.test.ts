import { ConfigError, consortiumFromObject, parseConsortium } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Either from "effect/Either";
import * as fc from "fast-check";
import { stringify } from "yaml";

// The loader's contract: whatever it is given, it returns a config or a ConfigError with readable
// issues. It never throws, and a YAML file and the same data as an object get the same verdict.

const checkShape = (result: ReturnType<typeof parseConsortium>, lines: number) => {
  if (Either.isRight(result)) {
    expect(result.right.members.length).toBeGreaterThan(0);
    return;
  }
  expect(result.left).toBeInstanceOf(ConfigError);
  expect(result.left.issues.length).toBeGreaterThan(0);
  for (const issue of result.left.issues) {
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.line).toBeLessThanOrEqual(lines + 1);
    expect(issue.column).toBeGreaterThanOrEqual(1);
    expect(issue.path === "" || issue.path.startsWith("/")).toBe(true);
  }
};

/** Mostly `valid`, sometimes `invalid`: enough valid files to reach the normaliser, enough junk to hit every check. */
const mostly = <A, B>(valid: fc.Arbitrary<A>, invalid: fc.Arbitrary<B>) =>
  fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: invalid, weight: 1 });

const modelRef = fc.oneof(
  {
    arbitrary: fc.constantFrom("openai/gpt-4.1-mini", "anthropic/claude-sonnet-4-5", "gpt-4.1", "openai/o3:2"),
    weight: 20
  },
  fc.constantFrom("ollama/qwen2.5:7b", "llama3"),
  fc
    .tuple(fc.constantFrom("openai", "anthropic", "ollama", "nope", ""), fc.string({ maxLength: 6 }), fc.nat(3))
    .map(([provider, model, count]) => `${provider}/${model}${count === 0 ? "" : `:${count - 1}`}`),
  fc.string({ maxLength: 10 })
);

const junk = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null)
);

const member = mostly(
  fc.oneof(
    modelRef,
    fc.record(
      {
        model: modelRef,
        count: mostly(fc.integer({ min: 1, max: 4 }), fc.oneof(fc.constant(0), junk)),
        temperature: mostly(fc.double({ min: 0, max: 2, noNaN: true }), fc.oneof(fc.constant(3), junk))
      },
      { requiredKeys: ["model"] }
    )
  ),
  junk
);

const template = fc.constantFrom("{{prompt}}", "{{ prompt }} and {{system}}", "{{nope}}", "{{", "plain");

const consortiumLike = fc
  .record(
    {
      name: mostly(fc.constantFrom("research", "a_b-1"), fc.oneof(fc.constant("bad name"), junk)),
      members: mostly(fc.array(member, { minLength: 1, maxLength: 4 }), fc.oneof(fc.constant([]), junk)),
      arbiter: mostly(
        fc.oneof(
          modelRef,
          fc.record({ model: modelRef, fallbacks: fc.array(modelRef, { maxLength: 2 }) }, { requiredKeys: ["model"] })
        ),
        junk
      ),
      confidence_threshold: mostly(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.oneof(fc.double({ min: -1, max: 120, noNaN: true }), junk)
      ),
      min_iterations: mostly(fc.constant(1), fc.oneof(fc.integer({ min: 0, max: 5 }), junk)),
      max_iterations: mostly(fc.integer({ min: 1, max: 5 }), fc.oneof(fc.constant(0), junk)),
      anonymize: mostly(fc.boolean(), junk),
      prompts: mostly(fc.record({ member: template, refine: template, arbiter: template }, { requiredKeys: [] }), junk),
      providers: mostly(
        fc.dictionary(
          mostly(fc.constantFrom("ollama", "openai", "x"), fc.constant("my/bad")),
          fc.record(
            {
              type: mostly(fc.constantFrom("openai", "anthropic"), fc.oneof(fc.constant("gemini"), junk)),
              base_url: mostly(fc.constant("http://localhost:1/v1"), fc.oneof(fc.constant("localhost"), junk)),
              api_key_env: mostly(
                fc.constant("OLLAMA_API_KEY"),
                fc.oneof(fc.constant("sk-abcdefghijklmnopqrstuvwxyz"), junk)
              )
            },
            { requiredKeys: ["type"] }
          ),
          { maxKeys: 2 }
        ),
        junk
      ),
      limits: mostly(
        fc.record(
          {
            timeout: mostly(fc.constantFrom("30s", "500ms", 12), fc.constantFrom("0", "2 m", -2)),
            quorum: mostly(fc.constant(1), fc.integer({ min: 0, max: 6 })),
            retries: mostly(fc.integer({ min: 0, max: 5 }), junk)
          },
          { requiredKeys: [] }
        ),
        junk
      )
    },
    { requiredKeys: ["name", "members", "arbiter"] }
  )
  // now and then a key the schema does not know, or a literal key where the env variable's name goes
  .chain((value) =>
    fc.oneof(
      { arbitrary: fc.constant<Record<string, unknown>>(value), weight: 8 },
      fc.constant({ ...value, extra: 1 }),
      fc.constant({ ...value, providers: { ollama: { type: "openai", api_key: "sk-abcdefghijklmnopqrstuvwxyz0123" } } })
    )
  );

const verdict = (result: ReturnType<typeof parseConsortium>) =>
  Either.isRight(result) ? "valid" : result.left.issues.map((issue) => `${issue.path} ${issue.message}`).sort();

describe("the loader never throws", () => {
  it("on arbitrary text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 })), (text) => {
        checkShape(parseConsortium(text, "random.yaml"), text.split("\n").length);
      }),
      { numRuns: 400 }
    );
  });

  it("on arbitrary YAML-able values, as text and as objects, with one verdict", () => {
    fc.assert(
      fc.property(fc.oneof(consortiumLike, fc.jsonValue({ maxDepth: 3 })), (value) => {
        const text = stringify(value);
        const fromText = parseConsortium(text, "random.yaml");
        checkShape(fromText, text.split("\n").length);
        const fromObject = consortiumFromObject(value, "object");
        expect(verdict(fromObject)).toEqual(verdict(fromText));
      }),
      { numRuns: 400 }
    );
  });

  it("finds valid consortia among the generated ones (the generator is not all junk)", () => {
    const samples = fc.sample(consortiumLike, { numRuns: 1000, seed: 42 });
    const valid = samples.filter((value) => Either.isRight(consortiumFromObject(value)));
    expect(valid.length).toBeGreaterThan(30);
    expect(valid.length).toBeLessThan(900);
  });

  it("on values no YAML file can hold", () => {
    for (const value of [undefined, () => 1, Symbol("x"), 10n, new Date(0), [undefined], { a: () => 1 }]) {
      const result = consortiumFromObject(value);
      expect(Either.isLeft(result)).toBe(true);
    }
  });
});
