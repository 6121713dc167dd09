import { createHash } from "node:crypto";

// One spelling per value: object keys sorted, `undefined` members dropped (as JSON.stringify does), no
// white space. Two requests that mean the same thing hash the same, whatever order their keys were
// built in.
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
};

export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
