import type { RawConsortium } from "@consortium/config";

// createConsortium's input is the consortium file's shape with camelCase keys, derived from the
// config package's RawConsortium: a key added to the file format is in the spec at once, and goes
// through the very same loader checks, with no hand-kept copy to drift.

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The same data with every object key in camelCase (names in records, such as providers, stay as written). */
export type CamelCased<T> =
  T extends ReadonlyArray<infer Item>
    ? ReadonlyArray<CamelCased<Item>>
    : T extends object
      ? { readonly [K in keyof T as K extends string ? CamelCase<K> : K]: CamelCased<T[K]> }
      : T;

type FileFields = CamelCased<Omit<RawConsortium, "$schema" | "name" | "members">>;

/** `createConsortium`'s data: the file's fields in camelCase, `members` named `models` as in the seed. */
export type ConsortiumSpecData = FileFields & {
  /** Default "consortium". */
  readonly name?: string;
  /** `<provider>/<model>[:<count>]`, e.g. "openai/gpt-4.1-mini:2", or the long form. */
  readonly models: CamelCased<RawConsortium["members"]>;
};

const snake = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Keys whose values map user-chosen names (kept as written) to settings (whose keys are converted). */
const NAMED = new Set(["providers"]);

const toSnake = (value: unknown, named = false): unknown => {
  if (Array.isArray(value)) return value.map((item) => toSnake(item));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      named ? [key, toSnake(inner)] : [snake(key), toSnake(inner, NAMED.has(key))]
    )
  );
};

/** The spec in the file's own shape (snake_case, `members`), for the loader to check like a file. */
export const toFileShape = (spec: ConsortiumSpecData): unknown => {
  const { name, models, ...rest } = spec;
  return toSnake({ name: name ?? "consortium", members: models, ...rest });
};
