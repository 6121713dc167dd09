import type { ProviderConfig } from "@consortium/config";
import { Context, type Effect } from "effect";
import type { LlmError } from "./errors.js";
import type { LlmRequest, LlmResponse } from "./types.js";

/**
 * One attempt at one model call. Interrupting the effect aborts the HTTP request (the SDKs get an
 * AbortSignal). Retries, timeouts and concurrency are layered on top, never inside.
 * Implementations: the live one over the official SDKs, and eval's cassette record/replay.
 */
export class LlmClient extends Context.Tag("@consortium/providers/LlmClient")<
  LlmClient,
  {
    readonly complete: (provider: ProviderConfig, request: LlmRequest) => Effect.Effect<LlmResponse, LlmError>;
  }
>() {}
