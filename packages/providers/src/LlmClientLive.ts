import type { ProviderConfig } from "@consortium/config";
import { Effect, Layer, Redacted } from "effect";
import { classifyError } from "./classifyError.js";
import { type Connection, connect, connectionKey } from "./connection.js";
import { AuthFailed, attemptTimedOut, type LlmError, MalformedResponse } from "./errors.js";
import { type AttemptOptions, LlmClient, type OnText } from "./LlmClient.js";
import { baseUrlOf, type Env } from "./providerEnv.js";
import { isSdkLoaded, loadSdk } from "./sdks.js";
import { SecretSet, secretsOfEnv, urlCredentials } from "./secrets.js";
import type { LlmRequest, LlmResponse } from "./types.js";

export interface LlmClientOptions {
  /** Where keys and base URLs are read from, once per provider on its first call. Default process.env. */
  readonly env?: Env;
  /** More variables whose values are secrets (e.g. every provider's api_key_env of a run or suite). */
  readonly secretVariables?: ReadonlyArray<string>;
}

/**
 * The live client over the official SDKs: one attempt per call, no SDK retries, and interruption
 * aborts the HTTP request (the SDK is handed the attempt's AbortSignal). It is also where model
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

  // One attempt is one Effect.async, no generator or span: this runs for every model call (thousands
  // in a suite). It owns the one AbortController of the attempt, aborted by its timer or by an
  // interrupt (the async's canceler); Effect.tryPromise would add a second one per call.
  const attemptOnce = (
    provider: ProviderConfig,
    request: LlmRequest,
    attempt: AttemptOptions | undefined,
    onText: OnText | undefined
  ): Effect.Effect<LlmResponse, LlmError> =>
    Effect.async<LlmResponse, LlmError>((resume) => {
      const connection = connectionFor(provider);
      const { model } = request;
      const name = provider.name;
      const sendOnce = connection.send;
      if (sendOnce === undefined) {
        // preflight() catches this before a run starts; this guards callers that skip it.
        resume(
          Effect.fail(
            new AuthFailed({
              provider: name,
              model,
              status: 401,
              message: `${name}/${model}: ${connection.keyVariable} is not set`
            })
          )
        );
        return;
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
      const controller = new AbortController();
      let timedOut = false;
      let settled = false;
      // The attempt's timeout is a timer aborting the request, not a fiber racing it.
      const timer =
        attempt === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              controller.abort();
            }, attempt.timeoutMs);
      const done = (): boolean => {
        if (timer !== undefined) clearTimeout(timer);
        if (settled) return false;
        settled = true;
        return true;
      };
      sendOnce(request, controller.signal, heard).then(
        (raw) => {
          if (!done()) return;
          const response = connection.read(raw);
          if (typeof response === "string") {
            resume(
              Effect.fail(
                new MalformedResponse({
                  provider: name,
                  model,
                  message: known.scrub(`${name}/${model}: malformed response: ${response}`)
                })
              )
            );
            return;
          }
          if (onText !== undefined && scrubber !== undefined) {
            const rest = scrubber.end();
            if (rest.length > 0) onText(rest);
          }
          resume(Effect.succeed({ ...response, text: known.scrub(response.text) }));
        },
        (error: unknown) => {
          if (!done()) return;
          resume(
            Effect.fail(
              timedOut && attempt !== undefined
                ? attemptTimedOut(name, model, attempt.timeoutMs)
                : classifyError(error, { provider: name, model, keyVariable: connection.keyVariable, secrets })
            )
          );
        }
      );
      // Interrupted: abort the request; whatever it settles with afterwards is nobody's answer.
      return Effect.sync(() => {
        if (!done()) return;
        controller.abort();
      });
    });

  const complete = (
    provider: ProviderConfig,
    request: LlmRequest,
    attempt?: AttemptOptions,
    onText?: OnText
  ): Effect.Effect<LlmResponse, LlmError> =>
    // the SDK loads on the first call of its provider type, not when the process starts
    isSdkLoaded(provider.type)
      ? attemptOnce(provider, request, attempt, onText)
      : Effect.zipRight(
          Effect.promise(() => loadSdk(provider.type)),
          Effect.suspend(() => attemptOnce(provider, request, attempt, onText))
        );

  return { complete, answers: "timed", ignoresCallSite: true };
};

/** The live client reading process.env. */
export const LlmClientLive: Layer.Layer<LlmClient> = Layer.sync(LlmClient, () => makeLlmClient());

/** The live client with its own environment (tests, the programmatic API). */
export const layerLlmClient = (options: LlmClientOptions): Layer.Layer<LlmClient> =>
  Layer.sync(LlmClient, () => makeLlmClient(options));
