import { type Assertion, DEFAULT_JUDGE_REF, type ModelRef, splitRegexLiteral } from "@consortium/config";
import { messageOf } from "@consortium/config/messageOf";
import { Ajv, type ValidateFunction } from "ajv";
import { Either } from "effect";
import { canonicalJson } from "../canonicalJson.js";
import { InvalidAssertion } from "../errors.js";
import { parseJsonOutput } from "./json.js";
import { quote } from "./text.js";
import { type CompiledAssertion, decided, type Observation, type Outcome, undecided } from "./types.js";

/**
 * Compiles JSON schemas with one ajv instance and remembers each by its canonical JSON, so a schema in
 * `defaults.assert` (copied into every case) is compiled once, not once per case.
 */
export class SchemaCache {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  compile(schema: object): ValidateFunction {
    const key = canonicalJson(schema);
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  get size(): number {
    return this.compiled.size;
  }
}

export interface CompileContext {
  readonly caseId: string;
  readonly schemas: SchemaCache;
  /** The suite's judge; an assertion's own `judge` wins over it. */
  readonly judge: ModelRef | undefined;
}

type Compiled = Either.Either<CompiledAssertion, InvalidAssertion>;

export const compileAssertion = (assertion: Assertion, context: CompileContext): Compiled => {
  const type = assertion.negate ? `not-${assertion.type}` : assertion.type;
  const invalid = (message: string): Compiled =>
    Either.left(new InvalidAssertion({ caseId: context.caseId, type, message }));
  const check = (run: (observation: Observation) => Outcome): Compiled =>
    Either.right({ kind: "check", type, negate: assertion.negate, check: run });
  const value = assertion.value;

  switch (assertion.type) {
    case "equals":
      if (typeof value === "string") {
        return check(({ output }) =>
          output.trim() === value
            ? decided(true, `output equals ${quote(value)}`)
            : decided(false, `output ${quote(output.trim())} is not ${quote(value)}`)
        );
      }
      if (value === undefined) return invalid("needs a value");
      // A non-string value compares as JSON: `value: {answer: 4}` matches the output `{"answer":4}`.
      return check(({ output }) => {
        const parsed = parseJsonOutput(output);
        if (!parsed.ok) return decided(false, `output is not JSON, so it cannot equal ${canonicalJson(value)}`);
        return canonicalJson(parsed.value) === canonicalJson(value)
          ? decided(true, `output equals ${canonicalJson(value)}`)
          : decided(false, `output ${quote(canonicalJson(parsed.value))} is not ${canonicalJson(value)}`);
      });
    case "contains":
    case "icontains":
    case "starts-with": {
      if (typeof value !== "string" && typeof value !== "number") return invalid("needs a string value");
      const needle = String(value);
      if (assertion.type === "contains") {
        return check(({ output }) =>
          output.includes(needle)
            ? decided(true, `output contains ${quote(needle)}`)
            : decided(false, `output does not contain ${quote(needle)}`)
        );
      }
      if (assertion.type === "icontains") {
        const lower = needle.toLowerCase();
        return check(({ output }) =>
          output.toLowerCase().includes(lower)
            ? decided(true, `output contains ${quote(needle)} (ignoring case)`)
            : decided(false, `output does not contain ${quote(needle)} (ignoring case)`)
        );
      }
      // Leading white space is not the model's answer; a model that starts with a newline still starts with it.
      return check(({ output }) =>
        output.trimStart().startsWith(needle)
          ? decided(true, `output starts with ${quote(needle)}`)
          : decided(
              false,
              `output starts with ${quote(output.trimStart().slice(0, needle.length + 10))}, not ${quote(needle)}`
            )
      );
    }
    case "regex": {
      if (typeof value !== "string") return invalid("needs a string value (a regular expression)");
      const built = buildRegex(value);
      if (typeof built === "string") return invalid(built);
      return check(({ output }) =>
        built.test(output) ? decided(true, `output matches ${built}`) : decided(false, `output does not match ${built}`)
      );
    }
    case "is-json":
      return check(({ output }) => {
        const parsed = parseJsonOutput(output);
        return parsed.ok
          ? decided(true, "output is valid JSON")
          : decided(false, `output is not JSON: ${parsed.message}`);
      });
    case "json-schema": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return invalid("needs a JSON schema object as its value");
      }
      let validate: ValidateFunction;
      try {
        validate = context.schemas.compile(value);
      } catch (error) {
        return invalid(`the JSON schema does not compile: ${messageOf(error)}`);
      }
      return check(({ output }) => {
        const parsed = parseJsonOutput(output);
        if (!parsed.ok) return decided(false, `output is not JSON: ${parsed.message}`);
        if (validate(parsed.value)) return decided(true, "output matches the JSON schema");
        const problems = (validate.errors ?? [])
          .map((error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`)
          .join("; ");
        return decided(false, `output does not match the JSON schema: ${problems}`);
      });
    }
    case "min-confidence": {
      if (typeof value !== "number" || value < 0 || value > 1) return invalid("needs a number between 0 and 1");
      return check(({ confidence }) => {
        if (confidence === undefined) {
          return undecided("a single-model target has no confidence; use min-confidence on consortium targets only");
        }
        return confidence >= value
          ? decided(true, `confidence ${confidence} >= ${value}`)
          : decided(false, `confidence ${confidence} < ${value}`);
      });
    }
    case "max-latency-ms": {
      if (typeof value !== "number" || value < 0) return invalid("needs a number of milliseconds >= 0");
      return check(({ latencyMs }) =>
        latencyMs <= value
          ? decided(true, `latency ${latencyMs} ms <= ${value} ms`)
          : decided(false, `latency ${latencyMs} ms > ${value} ms`)
      );
    }
    case "max-cost-usd": {
      if (typeof value !== "number" || value < 0) return invalid("needs an amount of USD >= 0");
      return check(({ costUsd, costComplete }) => {
        // a lower bound over the limit decides it; under the limit it decides nothing
        if (costComplete === false && costUsd !== undefined && costUsd !== null && costUsd > value) {
          return decided(false, `cost ≥ $${costUsd.toFixed(6)} (some calls had no price) > $${value}`);
        }
        if (costUsd === undefined || costUsd === null || costComplete === false) {
          return undecided("the cost is unknown: some model of the target has no price (add providers.<name>.prices)");
        }
        return costUsd <= value
          ? decided(true, `cost $${costUsd.toFixed(6)} <= $${value}`)
          : decided(false, `cost $${costUsd.toFixed(6)} > $${value}`);
      });
    }
    case "llm-rubric": {
      if (typeof value !== "string" || value.trim() === "") return invalid("needs the rubric as a string value");
      return Either.right({
        kind: "rubric",
        type,
        negate: assertion.negate,
        rubric: value,
        judge: assertion.judge ?? context.judge ?? DEFAULT_JUDGE_REF
      });
    }
  }
};

/** `"canberra"` is a pattern; `"/canberra/i"` is a pattern with flags. Returns the problem as a string. */
const buildRegex = (source: string): RegExp | string => {
  const { pattern, flags } = splitRegexLiteral(source);
  try {
    // A global or sticky regex remembers lastIndex between test() calls: drop those flags.
    return new RegExp(pattern, flags.replace(/[gy]/g, ""));
  } catch (error) {
    return `not a valid regular expression: ${messageOf(error)}`;
  }
};
