import type { ProviderConfig } from "@consortium/config";
import { type FakeLlm, fakeLlmEnv } from "@consortium/testkit";
import { Effect } from "effect";
import { LlmClient, type LlmRequest, makeLlmClient } from "../src/index.js";

// Canary keys: if one ever shows up in an error, a message or a returned object, a key leaked.
export const OPENAI_CANARY = "sk-canary-openai-4f1d9c2b7e";
export const ANTHROPIC_CANARY = "sk-ant-canary-8a3e6b0c5d";

export const provider = (
  name: string,
  type: ProviderConfig["type"],
  rest: Partial<ProviderConfig> = {}
): ProviderConfig => ({
  name,
  type,
  baseUrl: undefined,
  apiKeyEnv: undefined,
  concurrency: undefined,
  ...rest
});

export const openai = provider("openai", "openai", { apiKeyEnv: "OPENAI_API_KEY" });
export const anthropic = provider("anthropic", "anthropic", { apiKeyEnv: "ANTHROPIC_API_KEY" });

export const envFor = (fake: FakeLlm): Record<string, string> =>
  fakeLlmEnv(fake, { openai: OPENAI_CANARY, anthropic: ANTHROPIC_CANARY });

export const ask = (model: string, content = "What is the capital of Australia?", extra: Partial<LlmRequest> = {}) => ({
  provider: "ignored",
  model,
  messages: [{ role: "user" as const, content }],
  ...extra
});

/** One call through a fresh live client reading `env`. */
export const completeWith =
  (env: Record<string, string | undefined>) => (config: ProviderConfig, request: LlmRequest) =>
    makeLlmClient({ env }).complete(config, request);

export const complete = (config: ProviderConfig, request: LlmRequest) =>
  Effect.flatMap(LlmClient, (client) => client.complete(config, request));
