import { BUILTIN_ENDPOINTS, type BuiltInEndpoint, type ProviderConfig } from "@consortium/config";

// Where a provider's key and base URL come from. Pure: the environment is passed in, so tests and
// the programmatic API can supply their own.

export type Env = Readonly<Record<string, string | undefined>>;

/** The built-in provider this config is, if any: same name and same wire protocol. */
export const builtInOf = (provider: ProviderConfig): BuiltInEndpoint | undefined =>
  provider.name === provider.type ? BUILTIN_ENDPOINTS[provider.type] : undefined;

/** The environment variable holding this provider's key; undefined when it needs none (local servers). */
export const keyVariableOf = (provider: ProviderConfig): string | undefined =>
  provider.apiKeyEnv ?? builtInOf(provider)?.keyVariable;

/** An empty variable counts as unset: `OPENAI_API_KEY= consortium run …` should fail fast too. */
export const readVariable = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
};

/** The variable a built-in provider reads its base URL from (OPENAI_BASE_URL), if any. */
export const baseUrlVariableOf = (provider: ProviderConfig): string | undefined => builtInOf(provider)?.baseUrlVariable;

/**
 * The file's base_url, else the built-in's *_BASE_URL variable, else the vendor's public endpoint.
 * Always explicit, so the SDKs never read process.env behind our back.
 */
export const baseUrlOf = (provider: ProviderConfig, env: Env): string => {
  if (provider.baseUrl !== undefined) return provider.baseUrl;
  const builtIn = builtInOf(provider);
  const fromEnv = builtIn === undefined ? undefined : readVariable(env, builtIn.baseUrlVariable);
  return fromEnv ?? BUILTIN_ENDPOINTS[provider.type].defaultBaseUrl;
};

/** Every key variable a set of providers reads: all of them are secrets of the run that uses them. */
export const keyVariablesOf = (providers: Iterable<ProviderConfig>): Array<string> => [
  ...new Set([...providers].flatMap((provider) => keyVariableOf(provider) ?? []))
];
