export {
  type AnthropicBody,
  anthropicHeaders,
  DEFAULT_MAX_TOKENS,
  fromAnthropicMessage,
  SAMPLING_API_VERSION,
  toAnthropicBody
} from "./anthropicProtocol.js";
export { type CallContext, classifyError } from "./classifyError.js";
export { costOf, maxCostOf } from "./cost.js";
export * from "./errors.js";
export * from "./LlmClient.js";
export { LlmClientLive, type LlmClientOptions, layerLlmClient, makeLlmClient } from "./LlmClientLive.js";
export { fromOpenAiCompletion, type TokenLimitParam, toOpenAiBody } from "./openaiProtocol.js";
export { checkProvidersExist, lookupProvider, preflight } from "./preflight.js";
export { baseUrlOf, type Env, keyVariableOf, keyVariablesOf } from "./providerEnv.js";
export { formatDelay, parseRetryAfter } from "./retryAfter.js";
export { preloadSdks } from "./sdks.js";
export { REDACTED, SecretSet, secretsOfEnv, urlCredentials } from "./secrets.js";
export type * from "./types.js";
