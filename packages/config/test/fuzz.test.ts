import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadSuiteFile, parseConsortium } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import * as fc from "fast-check";
import { parse, stringify } from "yaml";

// Mutation fuzzing from the files we ship: each valid example, with keys deleted, duplicated and
// retyped, strings of random unicode, huge numbers and deep nesting, and raw text edits on top. The
// loader's answer is always a config or errors that say where; it never throws.

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const CONSORTIA = ["council.yaml", "research.yaml", "vote.yaml", "local.yaml", "code-select.yaml"].map((name) =>
  readFileSync(join(repo, "consortia", name), "utf8")
);
const SUITE = readFileSync(join(repo, "examples", "suites", "smoke.yaml"), "utf8");

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json };

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 0, -1, 0.5, 1e-320),
  fc.integer(),
  fc.boolean(),
  fc.constant(null)
);

const nested = (value: Json, depth: number): Json => {
  let out = value;
  for (let level = 0; level < depth; level++) out = level % 2 === 0 ? [out] : { deep: out };
  return out;
};

/** A value to put where another was: anything a YAML file can hold, sometimes hundreds of levels deep. */
const replacement: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: scalar, weight: 4 },
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 }),
  fc.tuple(scalar, fc.integer({ min: 10, max: 120 })).map(([value, depth]) => nested(value, depth))
);

type Mutation =
  | { readonly kind: "delete"; readonly pick: number }
  | { readonly kind: "retype"; readonly pick: number; readonly value: Json }
  | { readonly kind: "rename"; readonly pick: number; readonly name: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("retype" as const), pick: fc.nat(), value: replacement }),
  fc.record({ kind: fc.constant("rename" as const), pick: fc.nat(), name: fc.string({ maxLength: 8 }) })
);

/** Every place in a document that holds a value: [container, key]. */
const slots = (value: Json, found: Array<[Record<string, Json> | Array<Json>, string | number]> = []) => {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push([value, index]);
      slots(item, found);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      found.push([value, key]);
      slots(item, found);
    }
  }
  return found;
};

const mutate = (document: Json, mutations: ReadonlyArray<Mutation>): Json => {
  const copy = structuredClone(document);
  for (const change of mutations) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [container, key] = all[change.pick % all.length]!;
    if (Array.isArray(container)) {
      const index = key as number;
      if (change.kind === "delete") container.splice(index, 1);
      else if (change.kind === "retype") container[index] = change.value;
      else container.splice(index, 0, structuredClone(container[index]!));
    } else {
      const name = key as string;
      if (change.kind === "delete") delete container[name];
      else if (change.kind === "retype") container[name] = change.value;
      else container[change.name] = structuredClone(container[name]!);
    }
  }
  return copy;
};

type TextEdit =
  | { readonly kind: "insert"; readonly at: number; readonly text: string }
  | { readonly kind: "duplicate-line" | "delete-line"; readonly at: number }
  | { readonly kind: "truncate"; readonly at: number };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ unit: "binary", maxLength: 6 }),
      fc.constantFrom(":", "- ", "&a", "*a", "{", "\t", "\n  ")
    )
  }),
  fc.record({ kind: fc.constantFrom("duplicate-line" as const, "delete-line" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() })
);

const edit = (text: string, change: TextEdit): string => {
  if (change.kind === "insert" || change.kind === "truncate") {
    const at = change.at % (text.length + 1);
    return change.kind === "insert" ? text.slice(0, at) + change.text + text.slice(at) : text.slice(0, at);
  }
  const lines = text.split("\n");
  const at = change.at % lines.length;
  // a duplicated line repeats its key: the loader must say so, not keep one of them quietly
  if (change.kind === "duplicate-line") lines.splice(at, 0, lines[at]!);
  else lines.splice(at, 1);
  return lines.join("\n");
};

const parsed = new Map<string, Json>();
const parsedOf = (source: string): Json => {
  if (!parsed.has(source)) parsed.set(source, parse(source) as Json);
  return parsed.get(source)!;
};

/** A document: a shipped example, its data mutated, then re-serialised and perhaps edited as text. */
const documents = (sources: ReadonlyArray<string>) =>
  fc
    .tuple(
      fc.constantFrom(...sources),
      fc.array(mutation, { maxLength: 4 }),
      fc.array(textEdit, { maxLength: 2 }),
      fc.boolean()
    )
    .map(([source, mutations, edits, reserialise]) => {
      const base = reserialise || mutations.length > 0 ? stringify(mutate(parsedOf(source), mutations)) : source;
      return edits.reduce(edit, base);
    });

/** Plain checks, not expect: they run ten thousand times. */
const checkConfigOrLocatedErrors = (result: Either.Either<unknown, ConfigError>, text: string): void => {
  if (Either.isRight(result)) return;
  if (!(result.left instanceof ConfigError) || result.left.issues.length === 0) throw new Error("no located errors");
  const lines = text.split("\n").length;
  for (const issue of result.left.issues) {
    if (issue.message.length === 0) throw new Error("an issue without a message");
    if (issue.line < 1 || issue.line > lines + 1 || issue.column < 1) {
      throw new Error(`an issue at ${issue.line}:${issue.column} of ${lines} lines: ${issue.message}`);
    }
  }
};

/** Gives the event loop a turn now and then, so the test runner's worker stays responsive. */
const breather = () => {
  let count = 0;
  return async (): Promise<void> => {
    count += 1;
    if (count % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
  };
};

describe("the loader, fuzzed from the shipped examples", () => {
  // about a millisecond a file on an idle machine; the timeout leaves room for a loaded one
  it("10,000 mutated consortium files: a config or located errors, never a throw", { timeout: 300_000 }, async () => {
    let valid = 0;
    const pause = breather();
    await fc.assert(
      fc.asyncProperty(documents(CONSORTIA), async (text) => {
        const result = parseConsortium(text, "fuzz.yaml");
        if (Either.isRight(result)) valid += 1;
        checkConfigOrLocatedErrors(result, text);
        await pause();
      }),
      { numRuns: 10_000 }
    );
    // the mutations leave some files valid, so the normaliser past validation is fuzzed too
    expect(valid).toBeGreaterThan(100);
  });

  it("mutated suite files: a suite or errors, never a throw", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "consortium-fuzz-"));
    const file = join(dir, "suite.yaml");
    writeFileSync(join(dir, "smoke.cases.jsonl"), readFileSync(join(repo, "examples", "suites", "smoke.cases.jsonl")));
    await fc.assert(
      fc.asyncProperty(documents([SUITE]), async (text) => {
        writeFileSync(file, text);
        const result = await Effect.runPromise(Effect.either(loadSuiteFile(file)));
        if (Either.isLeft(result)) {
          expect(result.left).toBeInstanceOf(ConfigError);
          expect(result.left.issues.length).toBeGreaterThan(0);
          for (const issue of result.left.issues) expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 }
    );
  });
});
