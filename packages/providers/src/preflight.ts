import { baseUrlProblem, type ModelRef, type ProviderConfig } from "@consortium/config";
import { Effect } from "effect";
import { InvalidBaseUrl, MissingApiKey, UnknownProvider } from "./errors.js";
import { baseUrlOf, baseUrlVariableOf, type Env, keyVariableOf, readVariable } from "./providerEnv.js";

/** The provider called `name`, or `UnknownProvider` listing the ones there are. */
export const lookupProvider = (
  providers: Readonly<Record<string, ProviderConfig>>,
  name: string
): Effect.Effect<ProviderConfig, UnknownProvider> => {
  const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
  return provider === undefined
    ? Effect.fail(new UnknownProvider({ provider: name, known: Object.keys(providers).sort() }))
    : Effect.succeed(provider);
};

/** Only that every referenced provider exists: a replay, which needs no key or base URL. */
export const checkProvidersExist = (
  providers: Readonly<Record<string, ProviderConfig>>,
  refs: ReadonlyArray<ModelRef>
): Effect.Effect<void, UnknownProvider> =>
  Effect.forEach(refs, (ref) => lookupProvider(providers, ref.provider), { discard: true });

/**
 * Checks, before any call is made, that every referenced provider exists, that its base URL can be
 * called (no credentials in it, a URL that parses) and that every key variable it needs is set, so a
 * run never starts only to fail, or retry, on its first call. Reports the first problem in
 * the order the models are referenced.
 */
export const preflight = Effect.fn("Providers.preflight")(function* (
  providers: Readonly<Record<string, ProviderConfig>>,
  refs: ReadonlyArray<ModelRef>,
  env: Env = process.env
) {
  const checked = new Set<string>();
  for (const { provider: name } of refs) {
    if (checked.has(name)) continue;
    checked.add(name);
    const provider = yield* lookupProvider(providers, name);
    const url = baseUrlProblem(baseUrlOf(provider, env));
    if (url !== undefined) {
      const source = provider.baseUrl !== undefined ? "base_url" : (baseUrlVariableOf(provider) ?? "base_url");
      return yield* new InvalidBaseUrl({ provider: name, source, problem: url.message });
    }
    const variable = keyVariableOf(provider);
    if (variable !== undefined && readVariable(env, variable) === undefined) {
      return yield* new MissingApiKey({ provider: name, variable });
    }
  }
});
