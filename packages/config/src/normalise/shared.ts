import * as Either from "effect/Either";
import { BUILTIN_PROVIDERS } from "../defaults.js";
import { type ParsedModelRef, parseModelRef } from "../modelRef.js";
import type { RawConsortium } from "../schema/index.js";
import type { ModelParams, ModelPrice, ProviderConfig } from "../types.js";

// Raw (schema-valid, semantically checked) file data → the normalised types. These run only after
// every check passed, so a failed parse here is a bug in the checks, not bad input.

export const mustParseModelRef = (text: string): ParsedModelRef =>
  Either.getOrElse(parseModelRef(text), (message) => {
    throw new Error(`internal: model reference passed the checks but does not parse: ${message}`);
  });

type RawParams = {
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly top_p?: number;
  readonly system?: string;
};

/** Only the parameters the file sets, so `{...params}` never adds explicit `undefined`s. */
export const toParams = (raw: RawParams): ModelParams => ({
  ...(raw.temperature === undefined ? {} : { temperature: raw.temperature }),
  ...(raw.max_tokens === undefined ? {} : { maxTokens: raw.max_tokens }),
  ...(raw.top_p === undefined ? {} : { topP: raw.top_p }),
  ...(raw.system === undefined ? {} : { system: raw.system })
});

type RawPrices = NonNullable<NonNullable<RawConsortium["providers"]>[string]["prices"]>;

const toPrices = (raw: RawPrices): Record<string, ModelPrice> =>
  Object.fromEntries(
    Object.entries(raw).map(([model, price]) => [
      model,
      {
        input: price.input,
        output: price.output,
        ...(price.cached_input === undefined ? {} : { cachedInput: price.cached_input }),
        ...(price.cache_write === undefined ? {} : { cacheWrite: price.cache_write })
      }
    ])
  );

/** The built-ins, overridden field by field by the file's entries of the same name, plus the file's own. */
export const toProviders = (raw: RawConsortium["providers"]): Readonly<Record<string, ProviderConfig>> => {
  const providers: Record<string, ProviderConfig> = { ...BUILTIN_PROVIDERS };
  for (const [name, entry] of Object.entries(raw ?? {})) {
    const builtin = providers[name];
    providers[name] = {
      name,
      type: entry.type ?? builtin?.type ?? "openai",
      baseUrl: entry.base_url ?? builtin?.baseUrl,
      apiKeyEnv: entry.api_key_env ?? builtin?.apiKeyEnv,
      concurrency: entry.concurrency ?? builtin?.concurrency,
      ...(entry.prices === undefined ? {} : { prices: toPrices(entry.prices) })
    };
  }
  return providers;
};
