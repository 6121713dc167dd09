import type Anthropic from "@anthropic-ai/sdk";
import type { ProviderType } from "@consortium/config";
import type OpenAI from "openai";

// The vendor SDKs load on the first call to a provider of their type: most consortia use one vendor
// (local servers speak the OpenAI protocol), and parsing the Anthropic SDK alone is ~1 MB of code, so
// loading both would put tens of milliseconds on every CLI start-up that needs neither or only one.

interface Loaded {
  openai?: typeof OpenAI;
  anthropic?: typeof Anthropic;
}

const loaded: Loaded = {};

export const isSdkLoaded = (type: ProviderType): boolean => loaded[type] !== undefined;

/** Loads the SDK a provider type speaks (once); call before `openAiSdk()` / `anthropicSdk()`. */
export const loadSdk = async (type: ProviderType): Promise<void> => {
  if (type === "anthropic") loaded.anthropic ??= (await import("@anthropic-ai/sdk")).default;
  else loaded.openai ??= (await import("openai")).default;
};

/**
 * Starts loading the SDKs of these provider types without waiting for them: a caller about to make
 * its first calls (a CLI run) lets the parsing overlap its other start-up work (opening the store,
 * asking git) instead of delaying the first call. A failed load is reported by that first call.
 */
export const preloadSdks = (types: Iterable<ProviderType | undefined>): void => {
  for (const type of new Set(types)) {
    if (type !== undefined && !isSdkLoaded(type)) loadSdk(type).catch(() => undefined);
  }
};

const missing = (type: ProviderType): never => {
  throw new Error(`the ${type} SDK is used before loadSdk("${type}")`);
};

export const openAiSdk = (): typeof OpenAI => loaded.openai ?? missing("openai");

export const anthropicSdk = (): typeof Anthropic => loaded.anthropic ?? missing("anthropic");

/** Only an SDK that is loaded can have thrown: an error is never an instance of one that is not. */
export const loadedSdks = (): ReadonlyArray<typeof OpenAI | typeof Anthropic> =>
  [loaded.openai, loaded.anthropic].filter((sdk) => sdk !== undefined);
