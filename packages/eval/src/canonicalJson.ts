import { hash } from "node:crypto";

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

// One call, no Hash object: a replayed eval hashes once per case (its seed), at a third of the cost.
export const sha256Hex = (text: string): string => hash("sha256", text, "hex");
