export * from "./errors.js";
export * from "./LlmClient.js";
export type * from "./types.js";
