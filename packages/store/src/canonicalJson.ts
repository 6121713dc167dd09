import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every depth and undefined members dropped, so two configs that mean
 * the same thing serialise to the same bytes whatever order their keys were built in.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined)
        .map((key) => [key, sortKeys(record[key])])
    );
  }
  return value;
};

/**
 * Identifies a configuration by content: sha256 of its canonical JSON. The source path is left out,
 * so the same file checked out in two places, or a copy, hashes the same.
 */
export const configHash = (config: { readonly source?: string | undefined }): string => {
  const { source: _source, ...content } = config;
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
};
