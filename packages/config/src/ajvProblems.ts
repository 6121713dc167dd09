import type { ErrorObject } from "ajv";
import { fromPointer, type Path, type Problem } from "./problem.js";
import { didYouMean } from "./suggest.js";

// ajv's raw errors → one readable problem per mistake. With allErrors, a shorthand-or-object value
// (`anyOf`) yields the errors of every branch; we keep those of the branch the value was meant for:
// the one whose type matches, and among those the one with the fewest errors.

type Schema = { readonly [keyword: string]: unknown };

const jsonType = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? "number" : typeof value;

const typeMatches = (branch: Schema, value: unknown): boolean => {
  const declared = branch.type;
  if (declared === undefined) return true;
  const types = Array.isArray(declared) ? declared : [declared];
  return types.some((type) =>
    type === "integer" ? Number.isInteger(value) : type === jsonType(value) && !Number.isNaN(value)
  );
};

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  object: "a map (key: value)",
  array: "a list",
  null: "empty"
};

const typeName = (type: unknown): string => TYPE_NAMES[String(type)] ?? String(type);

const isUnder = (error: ErrorObject, schemaPrefix: string, instancePath: string): boolean =>
  error.schemaPath.startsWith(schemaPrefix) &&
  (error.instancePath === instancePath || error.instancePath.startsWith(`${instancePath}/`));

/** Drops the errors of the anyOf branches the value was not meant for. */
const pruneAnyOf = (errors: ReadonlyArray<ErrorObject>): Array<ErrorObject | { readonly noBranch: ErrorObject }> => {
  const dropped = new Set<ErrorObject>();
  const replaced = new Map<ErrorObject, { readonly noBranch: ErrorObject }>();
  const unions = errors
    .filter((error) => error.keyword === "anyOf")
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (dropped.has(union)) continue;
    dropped.add(union);
    const branches = (union.schema ?? []) as ReadonlyArray<Schema>;
    const under = (index: number) => (error: ErrorObject) =>
      !dropped.has(error) && isUnder(error, `${union.schemaPath}/${index}/`, union.instancePath);
    const candidates = branches
      .map((branch, index) => ({
        index,
        count: errors.filter(under(index)).length,
        matches: typeMatches(branch, union.data)
      }))
      .filter((branch) => branch.matches);
    const chosen = candidates.reduce<(typeof candidates)[number] | undefined>(
      (best, next) => (best === undefined || next.count < best.count ? next : best),
      undefined
    );
    for (const [index] of branches.entries()) {
      if (index === chosen?.index) continue;
      for (const error of errors) if (under(index)(error)) dropped.add(error);
    }
    if (chosen === undefined) replaced.set(union, { noBranch: union });
  }
  return errors.flatMap((error): Array<ErrorObject | { readonly noBranch: ErrorObject }> => {
    const replacement = replaced.get(error);
    if (replacement !== undefined) return [replacement];
    return dropped.has(error) ? [] : [error];
  });
};

const enumMessage = (allowed: ReadonlyArray<string>, value: unknown): string => {
  const bases = allowed.filter((item) => !(item.startsWith("not-") && allowed.includes(item.slice(4))));
  const list = bases.join(", ") + (bases.length < allowed.length ? ", or any of them with a not- prefix" : "");
  const hint = typeof value === "string" ? didYouMean(value, allowed) : "";
  return `must be one of: ${list}${hint}`;
};

const percentHint = (error: ErrorObject): string => {
  const value = error.data;
  const parent = error.parentSchema as Schema | undefined;
  // 80 or 95 was surely meant as a percentage; 1.5 is just out of range
  return typeof value === "number" && parent?.maximum === 1 && parent?.minimum === 0 && value >= 2 && value <= 100
    ? ` (a fraction, not a percentage: write ${value / 100} for ${value}%)`
    : "";
};

const toProblem = (error: ErrorObject): Problem | undefined => {
  const path: Path = fromPointer(error.instancePath);
  const parent = (error.parentSchema ?? {}) as Schema;
  const problem = (message: string, at: Problem["at"] = "value", where: Path = path): Problem => ({
    path: where,
    message,
    at,
    source: "schema"
  });
  switch (error.keyword) {
    case "required":
      return problem("is required", "parent", [...path, String(error.params.missingProperty)]);
    case "additionalProperties": {
      const name = String(error.params.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as object);
      return problem(`is not allowed${didYouMean(name, known)}`, "key", [...path, name]);
    }
    case "propertyNames":
    case "if":
      return undefined; // the inner error (pattern, the branch's required) says why
    case "pattern": {
      const message = typeof parent.patternErrorMessage === "string" ? parent.patternErrorMessage : error.message;
      if (error.propertyName !== undefined)
        return problem(message ?? "is not a valid name", "key", [...path, error.propertyName]);
      return problem(message ?? "has the wrong form");
    }
    case "type":
      if (path.length === 0) return problem("the file must be a YAML map of keys to values (name: ..., ...)");
      return problem(`must be ${typeName(error.params.type)}`);
    case "enum":
      return problem(enumMessage(error.params.allowedValues as ReadonlyArray<string>, error.data));
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return problem(`must be ${error.params.comparison} ${error.params.limit}${percentHint(error)}`);
    case "minItems":
      return problem(error.params.limit === 1 ? "must not be empty" : `must have at least ${error.params.limit} items`);
    case "minLength":
      return problem(
        error.params.limit === 1 ? "must not be empty" : `must be at least ${error.params.limit} characters`
      );
    default:
      return problem(error.message ?? `fails ${error.keyword}`);
  }
};

const noBranchProblem = (union: ErrorObject): Problem => {
  const branches = (union.schema ?? []) as ReadonlyArray<Schema>;
  const names = [...new Set(branches.map((branch) => typeName(branch.type)))];
  const described = names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
  return { path: fromPointer(union.instancePath), message: `must be ${described}`, source: "schema" };
};

/** Readable problems from ajv's errors for one validation. */
export const schemaProblems = (errors: ReadonlyArray<ErrorObject>): Array<Problem> =>
  pruneAnyOf(errors).flatMap((error) => {
    const problem = "noBranch" in error ? noBranchProblem(error.noBranch) : toProblem(error);
    return problem === undefined ? [] : [problem];
  });
