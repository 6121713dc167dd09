import type { ProviderConfig } from "@consortium/config";
import { Effect, Layer, Redacted } from "effect";
import { classifyError } from "./classifyError.js";
import { type Connection, connect, connectionKey } from "./connection.js";
import { AuthFailed, attemptTimedOut, MalformedResponse } from "./errors.js";
import { type AttemptOptions, LlmClient, type OnText } from "./LlmClient.js";
import { baseUrlOf, type Env } from "./providerEnv.js";
import { isSdkLoaded, loadSdk } from "./sdks.js";
import { SecretSet, secretsOfEnv, urlCredentials } from "./secrets.js";
import type { LlmRequest } from "./types.js";

export interface LlmClientOptions {
  /** Where keys and base URLs are read from, once per provider on its first call. Default process.env. */
  readonly env?: Env;
  /** More variables whose values are secrets (e.g. every provider's api_key_env of a run or suite). */
  readonly secretVariables?: ReadonlyArray<string>;
}

/**
 * The live client over the official SDKs: one attempt per call, no SDK retries, and interruption
 * aborts the HTTP request (Effect.tryPromise hands the SDK an AbortSignal). It is also where model
 * output enters the system, so it is where secrets leave it: every answer and every error message is
 * scrubbed of the keys it knows (key-like variables, every provider's key variable, URL credentials).
 */
export const makeLlmClient = (options: LlmClientOptions = {}): LlmClient["Type"] => {
  const env = options.env ?? process.env;
  const connections = new Map<string, Connection>();
  const known = new SecretSet();
  known.add(secretsOfEnv(env));
  known.add((options.secretVariables ?? []).map((name) => env[name]));
  let secrets: ReadonlyArray<Redacted.Redacted<string>> = known.redactedValues();
  const connectionFor = (provider: ProviderConfig): Connection => {
    const key = connectionKey(provider);
    let connection = connections.get(key);
    if (connection === undefined) {
      connection = connect(provider, env);
      connections.set(key, connection);
      known.add([
        connection.secret === undefined ? undefined : Redacted.value(connection.secret),
        ...urlCredentials(baseUrlOf(provider, env))
      ]);
      secrets = known.redactedValues();
    }
    return connection;
  };

  // Untraced: the per-call hot path, where a span cost ~0.1 ms of CPU per call (docs/benchmarks.md).
  const complete = Effect.fnUntraced(function* (
    provider: ProviderConfig,
    request: LlmRequest,
    attempt?: AttemptOptions,
    onText?: OnText
  ) {
    // the SDK loads on the first call of its provider type, not when the process starts
    if (!isSdkLoaded(provider.type)) yield* Effect.promise(() => loadSdk(provider.type));
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
    // Streamed text is scrubbed on its way out too; a piece that may begin a key waits for the next.
    const scrubber = onText === undefined ? undefined : known.scrubber();
    const heard =
      onText === undefined || scrubber === undefined
        ? undefined
        : (delta: string) => {
            const out = scrubber.push(delta);
            if (out.length > 0) onText(out);
          };
    const sendOnce = connection.send;
    const send =
      heard === undefined ? sendOnce : (request: LlmRequest, signal: AbortSignal) => sendOnce(request, signal, heard);
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
        message: known.scrub(`${name}/${model}: malformed response: ${response}`)
      });
    }
    if (onText !== undefined && scrubber !== undefined) {
      const rest = scrubber.end();
      if (rest.length > 0) onText(rest);
    }
    return { ...response, text: known.scrub(response.text) };
  });

  return { complete, answers: "timed" };
};

/** The live client reading process.env. */
export const LlmClientLive: Layer.Layer<LlmClient> = Layer.sync(LlmClient, () => makeLlmClient());

/** The live client with its own environment (tests, the programmatic API). */
export const layerLlmClient = (options: LlmClientOptions): Layer.Layer<LlmClient> =>
  Layer.sync(LlmClient, () => makeLlmClient(options));
