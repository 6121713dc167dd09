// The library entry of the `consortium` package: the Promise API (loadConsortium, createConsortium),
// the Effect API underneath (runConsortium and the services it asks for), and the config loaders.
// Workspace packages are bundled into dist/lib; their third-party imports stay dependencies.

export {
  type ArbiterConfig,
  ConfigError,
  type ConsortiumConfig,
  consortiumFromObject,
  formatConfigError,
  type Issue,
  type Limits,
  loadConsortiumFile,
  type MemberConfig,
  type ModelRef,
  type ProviderConfig,
  parseConsortium
} from "@consortium/config";
export * from "@consortium/engine";
export {
  type Env,
  LlmClient,
  LlmClientLive,
  type LlmClientOptions,
  type LlmError,
  type LlmRequest,
  type LlmResponse,
  layerLlmClient,
  MissingApiKey,
  UnknownProvider
} from "@consortium/providers";
