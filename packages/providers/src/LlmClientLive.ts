import type { ProviderConfig } from "@consortium/config";
import { Effect, Layer, type Redacted } from "effect";
import { classifyError } from "./classifyError.js";
import { type Connection, connect, connectionKey } from "./connection.js";
import { AuthFailed, attemptTimedOut, MalformedResponse } from "./errors.js";
import { type AttemptOptions, LlmClient } from "./LlmClient.js";
import type { Env } from "./providerEnv.js";
import type { LlmRequest } from "./types.js";

export interface LlmClientOptions {
  /** Where keys and base URLs are read from, once per provider on its first call. Default process.env. */
  readonly env?: Env;
}

/**
 * The live client over the official SDKs: one attempt per call, no SDK retries, and interruption
 * aborts the HTTP request (Effect.tryPromise hands the SDK an AbortSignal).
 */
export const makeLlmClient = (options: LlmClientOptions = {}): LlmClient["Type"] => {
  const env = options.env ?? process.env;
  const connections = new Map<string, Connection>();
  const secrets: Array<Redacted.Redacted<string>> = [];
  const connectionFor = (provider: ProviderConfig): Connection => {
    const key = connectionKey(provider);
    let connection = connections.get(key);
    if (connection === undefined) {
      connection = connect(provider, env);
      connections.set(key, connection);
      if (connection.secret !== undefined) secrets.push(connection.secret);
    }
    return connection;
  };

  // Untraced: the per-call hot path, where a span cost ~0.1 ms of CPU per call (docs/benchmarks.md).
  const complete = Effect.fnUntraced(function* (
    provider: ProviderConfig,
    request: LlmRequest,
    attempt?: AttemptOptions
  ) {
    const connection = connectionFor(provider);
    const { model } = request;
    const name = provider.name;
    if (connection.send === undefined) {
      // preflight() catches this before a run starts; this guards callers that skip it.
      return yield* new AuthFailed({
        provider: name,
        model,
        status: 401,
        message: `${name}/${model}: ${connection.keyVariable} is not set`
      });
    }
    const send = connection.send;
    // The attempt's timeout is a timer aborting the request, not a fiber racing it.
    let timedOut = false;
    const raw = yield* Effect.tryPromise({
      try: (signal) => {
        if (attempt === undefined) return send(request, signal);
        const timer = new AbortController();
        const onInterrupt = () => timer.abort(signal.reason);
        signal.addEventListener("abort", onInterrupt, { once: true });
        const timeout = setTimeout(() => {
          timedOut = true;
          timer.abort();
        }, attempt.timeoutMs);
        return send(request, timer.signal).finally(() => {
          clearTimeout(timeout);
          signal.removeEventListener("abort", onInterrupt);
        });
      },
      catch: (error) =>
        timedOut && attempt !== undefined
          ? attemptTimedOut(name, model, attempt.timeoutMs)
          : classifyError(error, { provider: name, model, keyVariable: connection.keyVariable, secrets })
    });
    const response = connection.read(raw);
    if (typeof response === "string") {
      return yield* new MalformedResponse({
        provider: name,
        model,
        message: `${name}/${model}: malformed response: ${response}`
      });
    }
    return response;
  });

  return { complete, answers: "timed" };
};

/** The live client reading process.env. */
export const LlmClientLive: Layer.Layer<LlmClient> = Layer.sync(LlmClient, () => makeLlmClient());

/** The live client with its own environment (tests, the programmatic API). */
export const layerLlmClient = (options: LlmClientOptions): Layer.Layer<LlmClient> =>
  Layer.sync(LlmClient, () => makeLlmClient(options));
