import type { FakeLlm } from "./types.js";

/**
 * The environment that points both built-in providers at the fake: what a spawned CLI or a client
 * under test needs. The keys are placeholders unless a test passes canaries to look for leaks.
 */
export const fakeLlmEnv = (
  fake: FakeLlm,
  keys: { readonly openai?: string; readonly anthropic?: string } = {}
): Record<string, string> => ({
  OPENAI_BASE_URL: fake.openaiBaseUrl,
  OPENAI_API_KEY: keys.openai ?? "test-openai-key",
  ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
  ANTHROPIC_API_KEY: keys.anthropic ?? "test-anthropic-key"
});
