import type { ProviderConfig } from "@consortium/config";
import { Redacted } from "effect";
import { anthropicHeaders, fromAnthropicMessage, toAnthropicBody } from "./anthropicProtocol.js";
import { httpFetch } from "./httpFetch.js";
import { fromOpenAiCompletion, toOpenAiBody } from "./openaiProtocol.js";
import { baseUrlOf, builtInOf, type Env, keyVariableOf, readVariable } from "./providerEnv.js";
import { anthropicSdk, openAiSdk } from "./sdks.js";
import { type OnText, readAnthropicStream, readOpenAiStream } from "./streamReaders.js";
import type { LlmRequest, LlmResponse } from "./types.js";

// One SDK client per provider, made on first use and reused for every call after it (benchmarks push
// thousands of calls through one client, so nothing here may run per call), each on a node:http
// keep-alive fetch (see httpFetch.ts). The provider's SDK must be loaded first (`loadSdk`, sdks.ts).

/**
 * Our engine bounds each attempt itself by interrupting (which aborts the request), so the SDK's own
 * timeout is pushed out of the way. 2^31-1 ms is the largest delay setTimeout accepts: anything larger
 * overflows to 1 ms in Node and would time out every call at once.
 */
const NO_SDK_TIMEOUT = 2_147_483_647;

/** Local servers (Ollama, vLLM) ignore the key, but the SDKs insist on sending one. */
const PLACEHOLDER_KEY = "unused";

/**
 * The SDKs' streams end quietly when the request is aborted mid-stream, as if the reply were done: an
 * aborted stream must fail as an abort, never pass for a short answer.
 */
const endedUnaborted = <A>(result: A, signal: AbortSignal): A => {
  if (signal.aborted) throw new DOMException("This operation was aborted", "AbortError");
  return result;
};

export interface Connection {
  readonly keyVariable: string | undefined;
  /** The real key, for scrubbing messages; undefined when none is set or a placeholder is used. */
  readonly secret: Redacted.Redacted<string> | undefined;
  /**
   * Undefined when the key variable is unset: the call fails without touching the network. With
   * `onText` the call streams and hears the answer text as it comes; the result is the same either way.
   */
  readonly send: ((request: LlmRequest, signal: AbortSignal, onText?: OnText) => Promise<unknown>) | undefined;
  /** The SDK's result → our response, or why it is not usable. */
  readonly read: (raw: unknown) => LlmResponse | string;
}

export const connect = (provider: ProviderConfig, env: Env): Connection => {
  const keyVariable = keyVariableOf(provider);
  const key = keyVariable === undefined ? undefined : readVariable(env, keyVariable);
  const secret = key === undefined ? undefined : Redacted.make(key);
  const missingKey = keyVariable !== undefined && key === undefined;
  const baseURL = baseUrlOf(provider, env);
  const apiKey = key ?? PLACEHOLDER_KEY;

  if (provider.type === "anthropic") {
    const client = missingKey
      ? undefined
      : new (anthropicSdk())({ apiKey, baseURL, maxRetries: 0, timeout: NO_SDK_TIMEOUT, fetch: httpFetch });
    return {
      keyVariable,
      secret,
      send:
        client &&
        (async (request, signal, onText) => {
          const headers = anthropicHeaders(request);
          const options = headers ? { signal, headers } : { signal };
          if (onText === undefined) return client.messages.create(toAnthropicBody(request), options);
          const events = await client.messages.create({ ...toAnthropicBody(request), stream: true }, options);
          return endedUnaborted(await readAnthropicStream(events, onText), signal);
        }),
      read: fromAnthropicMessage
    };
  }
  const client = missingKey
    ? undefined
    : new (openAiSdk())({ apiKey, baseURL, maxRetries: 0, timeout: NO_SDK_TIMEOUT, fetch: httpFetch });
  const tokenLimit = builtInOf(provider) === undefined ? "max_tokens" : "max_completion_tokens";
  return {
    keyVariable,
    secret,
    send:
      client &&
      (async (request, signal, onText) => {
        const body = toOpenAiBody(request, tokenLimit);
        if (onText === undefined) return client.chat.completions.create(body, { signal });
        // include_usage: the usage comes in a last chunk; without it a streamed call would cost nothing.
        const chunks = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          { signal }
        );
        return endedUnaborted(await readOpenAiStream(chunks, onText), signal);
      }),
    read: fromOpenAiCompletion
  };
};

/** Two configs that would build the same client share it. */
export const connectionKey = (provider: ProviderConfig): string =>
  `${provider.name}\u0000${provider.type}\u0000${provider.baseUrl ?? ""}\u0000${provider.apiKeyEnv ?? ""}`;
