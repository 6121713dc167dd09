// A tiny typed builder for JSON Schema (draft-07). Each builder returns the JSON an editor and ajv read
// AND carries, as a phantom type, the TypeScript type of a valid value, so the published schema and
// the raw file types cannot disagree. Every builder takes a description first: the published schema
// has help text on every property by construction.

export type JsonSchema = { readonly [keyword: string]: unknown };

export interface Schema<T> {
  readonly json: JsonSchema;
  /** Phantom: never set at run time. */
  readonly _type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Annotations = {
  readonly title?: string;
  readonly examples?: ReadonlyArray<unknown>;
  readonly default?: unknown;
};

const make = <T>(json: JsonSchema): Schema<T> => ({ json });

/** The same schema with another description, for a shared shape used in a new place. */
export const describe = <T>(schema: Schema<T>, description: string, extra: Annotations = {}): Schema<T> =>
  make({ ...schema.json, description, ...extra });

export const string = (
  description: string,
  extra: Annotations & {
    readonly pattern?: string;
    /** Shown by editors (VS Code, yaml-language-server) and by our loader instead of the raw pattern. */
    readonly patternErrorMessage?: string;
    readonly minLength?: number;
  } = {}
): Schema<string> => make({ type: "string", description, ...extra });

export const number = (
  description: string,
  extra: Annotations & { readonly minimum?: number; readonly maximum?: number; readonly exclusiveMinimum?: number } = {}
): Schema<number> => make({ type: "number", description, ...extra });

export const integer = (
  description: string,
  extra: Annotations & { readonly minimum?: number; readonly maximum?: number } = {}
): Schema<number> => make({ type: "integer", description, ...extra });

export const boolean = (description: string, extra: Annotations = {}): Schema<boolean> =>
  make({ type: "boolean", description, ...extra });

/** Any JSON value. */
export const unknown = (description: string, extra: Annotations = {}): Schema<unknown> =>
  make({ description, ...extra });

export const literals = <const L extends ReadonlyArray<string>>(
  description: string,
  values: L,
  extra: Annotations = {}
): Schema<L[number]> => make({ type: "string", enum: values, description, ...extra });

export const array = <T>(
  description: string,
  items: Schema<T>,
  extra: Annotations & { readonly minItems?: number } = {}
): Schema<Array<T>> => make({ type: "array", description, items: items.json, ...extra });

/** A value of one of several shapes, e.g. a shorthand string or the long object form. */
export const anyOf = <const S extends ReadonlyArray<Schema<unknown>>>(
  description: string,
  branches: S,
  extra: Annotations = {}
): Schema<Infer<S[number]>> => make({ description, anyOf: branches.map((branch) => branch.json), ...extra });

/** A map from names (matching `keyPattern`) to values of one shape. */
export const record = <T>(
  description: string,
  values: Schema<T>,
  extra: Annotations & { readonly keyPattern?: string; readonly keyPatternErrorMessage?: string } = {}
): Schema<Record<string, T>> => {
  const { keyPattern, keyPatternErrorMessage, ...annotations } = extra;
  return make({
    type: "object",
    description,
    ...(keyPattern === undefined
      ? {}
      : {
          propertyNames: {
            pattern: keyPattern,
            ...(keyPatternErrorMessage === undefined ? {} : { patternErrorMessage: keyPatternErrorMessage })
          }
        }),
    additionalProperties: values.json,
    ...annotations
  });
};

type Properties = { readonly [name: string]: Schema<unknown> };
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<P extends Properties, R extends keyof P> = Simplify<
  { [K in R]: Infer<P[K]> } & { [K in Exclude<keyof P, R>]?: Infer<P[K]> }
>;

/** A closed object: unknown properties are errors (typos must not pass silently). */
export const object = <const P extends Properties, const R extends keyof P & string = never>(
  description: string,
  properties: P,
  required: ReadonlyArray<R> = [],
  extra: Annotations = {}
): Schema<ObjectOf<P, R>> =>
  make({
    type: "object",
    description,
    properties: Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, schema.json])),
    ...(required.length === 0 ? {} : { required }),
    additionalProperties: false,
    ...extra
  });

/**
 * The schema with draft-07 `if`/`else`: `otherwise` applies where `condition` does not hold, e.g. a
 * property required except under one setting.
 */
export const unless = <T>(schema: Schema<T>, condition: JsonSchema, otherwise: JsonSchema): Schema<T> =>
  make({ ...schema.json, if: condition, else: otherwise });
