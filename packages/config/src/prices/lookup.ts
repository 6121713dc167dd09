import type { ModelPrice, ProviderConfig } from "../types.js";
import { BUILTIN_PRICES } from "./table.js";

// Which price a model id gets. A file's own price (`providers.<name>.prices`) wins over the built-in
// list; in each, the exact id first, then the id without a snapshot suffix, so a dated id is priced
// as its family: gpt-4.1-mini-2025-04-14 → gpt-4.1-mini, claude-sonnet-4-5-20250929 →
// claude-sonnet-4-5, claude-3-5-haiku-latest → claude-3-5-haiku. Nothing looser than that: a prefix
// match would price gpt-5.4-pro as gpt-5.4, many times too low.

const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

const findIn = (prices: Readonly<Record<string, ModelPrice>> | undefined, model: string): ModelPrice | undefined => {
  if (prices === undefined) return undefined;
  if (Object.hasOwn(prices, model)) return prices[model];
  const family = model.replace(SNAPSHOT_SUFFIX, "");
  return family !== model && Object.hasOwn(prices, family) ? prices[family] : undefined;
};

/** The price of `model` at the provider named `provider`, given the file's own prices for it. */
export const lookupPrice = (
  provider: string,
  filePrices: Readonly<Record<string, ModelPrice>> | undefined,
  model: string
): ModelPrice | undefined => findIn(filePrices, model) ?? findIn(BUILTIN_PRICES.providers[provider], model);

/** The price of a model of a configured provider; undefined when neither the file nor the built-ins know it. */
export const priceOf = (provider: ProviderConfig, model: string): ModelPrice | undefined =>
  lookupPrice(provider.name, provider.prices, model);
