import type { Path, Problem } from "../problem.js";
import { splitRegexLiteral } from "../regexLiteral.js";
import { ASSERTION_TYPES } from "../schema/suite.js";
import { validateJsonSchema } from "../validators.js";
import { asArray, isRecord } from "./data.js";
import { modelRefProblem } from "./modelRefs.js";

// What each assertion type needs in `value`, which the schema leaves open (one field, many types).

const KNOWN_TYPES: ReadonlySet<string> = new Set(ASSERTION_TYPES);
const TEXT_TYPES = new Set(["equals", "contains", "icontains", "starts-with", "llm-rubric"]);

const semantic = (path: Path, message: string, at?: Problem["at"]): Problem => ({
  path,
  message,
  source: "semantic",
  ...(at === undefined ? {} : { at })
});

const valueProblem = (type: string, value: unknown, path: Path): Problem | undefined => {
  const at = [...path, "value"];
  if (type === "is-json") {
    return value === undefined
      ? undefined
      : semantic(at, "is not used by is-json (use json-schema to check the shape)");
  }
  if (value === undefined) return semantic(at, `is required by ${type} assertions`, "parent");
  if (TEXT_TYPES.has(type)) {
    if (typeof value !== "string") return semantic(at, `must be a string for ${type} (quote numbers: "42")`);
    if (value.length === 0 && type !== "equals") return semantic(at, "must not be empty");
    return undefined;
  }
  switch (type) {
    case "regex": {
      if (typeof value !== "string")
        return semantic(at, 'must be a regular expression as a string ("canberra" or "/canberra/i")');
      try {
        const { pattern, flags } = splitRegexLiteral(value);
        new RegExp(pattern, flags);
        return undefined;
      } catch (error) {
        const reason = (error as Error).message.replace(/^Invalid regular expression: /, "");
        return semantic(at, `is not a valid regular expression: ${reason}`);
      }
    }
    case "json-schema": {
      if (!isRecord(value) && typeof value !== "boolean") return semantic(at, "must be a JSON Schema (a map)");
      if (validateJsonSchema(value)) return undefined;
      const reasons = (validateJsonSchema.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`);
      return semantic(at, `is not a valid JSON Schema: ${[...new Set(reasons)].join("; ")}`);
    }
    case "min-confidence":
      if (typeof value !== "number" || value < 0 || value > 1) {
        const hint =
          typeof value === "number" && value > 1 && value <= 100 ? ` (write ${value / 100} for ${value}%)` : "";
        return semantic(at, `must be a confidence between 0 and 1${hint}`);
      }
      return undefined;
    case "max-latency-ms":
      return typeof value === "number" && value > 0 ? undefined : semantic(at, "must be a number of milliseconds > 0");
    case "max-cost-usd":
      return typeof value === "number" && value >= 0 ? undefined : semantic(at, "must be an amount of USD >= 0");
    default:
      return undefined;
  }
};

/** Problems of one assertion; `path` is where it sits (e.g. ["cases", 2, "assert", 0]). */
export const assertionProblems = (assertion: unknown, path: Path, known: ReadonlySet<string>): Array<Problem> => {
  if (!isRecord(assertion) || typeof assertion.type !== "string") return [];
  const type = assertion.type.replace(/^not-/, "");
  // an unknown type is the schema's to report; its value cannot be judged
  if (!KNOWN_TYPES.has(type)) return [];
  const problems: Array<Problem> = [];
  const value = valueProblem(type, assertion.value, path);
  if (value !== undefined) problems.push(value);
  for (const key of ["judge", "model"] as const) {
    if (assertion[key] === undefined) continue;
    if (type !== "llm-rubric") {
      problems.push(semantic([...path, key], "is only used by llm-rubric assertions"));
      continue;
    }
    const ref = modelRefProblem(assertion[key], [...path, key], known, { countAllowed: false, what: "a judge" });
    if (ref !== undefined) problems.push(ref);
  }
  if (assertion.judge !== undefined && assertion.model !== undefined) {
    problems.push(semantic([...path, "model"], "repeats judge: give the judge model once"));
  }
  return problems;
};

export const assertionListProblems = (list: unknown, path: Path, known: ReadonlySet<string>): Array<Problem> =>
  asArray(list).flatMap((assertion, index) => assertionProblems(assertion, [...path, index], known));
