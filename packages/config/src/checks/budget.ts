import * as Either from "effect/Either";
import { parseModelRef } from "../modelRef.js";
import { unpricedBudgetMessage } from "../prices/coverage.js";
import { lookupPrice } from "../prices/lookup.js";
import type { Problem } from "../problem.js";
import type { ModelPrice } from "../types.js";
import { asArray, asRecord, isRecord } from "./data.js";

// A consortium file's budget needs a price for every model the run may call; the models whose
// reference is itself invalid are left to the checks that report them.

const referencedModels = (data: Readonly<Record<string, unknown>>): Array<string> => {
  const text = (value: unknown): Array<string> => (typeof value === "string" ? [value] : []);
  const members = asArray(data.members).flatMap((member) => text(isRecord(member) ? member.model : member));
  const arbiter = isRecord(data.arbiter)
    ? [...text(data.arbiter.model), ...asArray(data.arbiter.fallbacks).flatMap(text)]
    : text(data.arbiter);
  return [...members, ...arbiter];
};

export const budgetProblems = (data: Readonly<Record<string, unknown>>): Array<Problem> => {
  if (typeof asRecord(data.limits).budget_usd !== "number") return [];
  const providers = asRecord(data.providers);
  const missing = new Set<string>();
  for (const reference of referencedModels(data)) {
    const parsed = parseModelRef(reference);
    if (Either.isLeft(parsed)) continue;
    const { provider, model } = parsed.right;
    // Only presence matters here: the schema checks each price's shape.
    const prices = asRecord(asRecord(providers[provider]).prices) as Readonly<Record<string, ModelPrice>>;
    if (lookupPrice(provider, prices, model) === undefined) missing.add(`${provider}/${model}`);
  }
  return missing.size === 0
    ? []
    : [{ path: ["limits", "budget_usd"], message: unpricedBudgetMessage([...missing].sort()), source: "semantic" }];
};
