// Defensive reads of data the schema may have rejected: the semantic checks run on every file so all
// problems are reported at once, and must not trip over a value of the wrong shape.

export type Json = { readonly [key: string]: unknown };

export const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : []);

export const asRecord = (value: unknown): Json => (isRecord(value) ? value : {});

export const isPositiveInteger = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 1;
