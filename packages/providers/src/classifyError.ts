import type Anthropic from "@anthropic-ai/sdk";
import { messageOf } from "@consortium/config/messageOf";
import { Redacted } from "effect";
import type OpenAI from "openai";
import {
  AuthFailed,
  ConnectionFailed,
  type LlmError,
  MalformedResponse,
  RateLimited,
  RequestRejected,
  ServerError
} from "./errors.js";
import { ReplyTooLarge } from "./httpFetch.js";
import { formatDelay, parseRetryAfter } from "./retryAfter.js";
import { loadedSdks } from "./sdks.js";
import { REDACTED } from "./secrets.js";

// Whatever an SDK call threw → one of our tagged errors, with a one-line message that names the
// provider and model and never contains the key (servers do echo keys back in 401 bodies).

export interface CallContext {
  readonly provider: string;
  readonly model: string;
  /** Named in authentication failures so the user knows what to fix. */
  readonly keyVariable: string | undefined;
  /** Every key the client holds: each is scrubbed out of every message. */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>;
}

type SdkApiError = InstanceType<typeof OpenAI.APIError> | InstanceType<typeof Anthropic.APIError>;

const isApiError = (error: unknown): error is SdkApiError => loadedSdks().some((sdk) => error instanceof sdk.APIError);

const isUserAbort = (error: unknown): boolean => loadedSdks().some((sdk) => error instanceof sdk.APIUserAbortError);

const isConnectionTimeout = (error: unknown): boolean =>
  loadedSdks().some((sdk) => error instanceof sdk.APIConnectionTimeoutError);

const MAX_DETAIL = 160;

/** One short line: no newlines, no runs of spaces, no key, bounded length. */
export const oneLine = (text: string, secrets: ReadonlyArray<Redacted.Redacted<string>>): string => {
  let line = text.replace(/\s+/g, " ").trim();
  for (const secret of secrets) {
    const key = Redacted.value(secret);
    if (key.length > 0) line = line.split(key).join(REDACTED);
  }
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 1)}…` : line;
};

/** The server's own explanation: `{error: {message}}` (both vendors), else the SDK's message. */
const apiDetail = (error: SdkApiError): string => {
  const body = error.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  if (typeof body?.message === "string") return body.message;
  if (typeof body?.error?.message === "string") return body.error.message;
  // The SDKs prefix the status ("429 …") or say "status code (no body)"; drop the number we print anyway.
  return error.message.replace(/^\d{3}\s*/, "");
};

/** The error and the causes it wraps, outermost first (an SDK wraps what its fetch threw). */
const causesOf = (error: unknown): Array<Error> => {
  const chain: Array<Error> = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
};

/** "connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)": the innermost cause is the informative one. */
const connectionDetail = (error: unknown): string => {
  let message = "";
  let code: string | undefined;
  for (const current of causesOf(error)) {
    if (current.message !== "" && !/^(connection error\.?|fetch failed)$/i.test(current.message)) {
      message = current.message;
    }
    const maybeCode = (current as { code?: unknown }).code;
    if (typeof maybeCode === "string") code = maybeCode;
  }
  if (message === "") message = "connection error";
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
};

const hasNetworkCause = (error: unknown): boolean =>
  causesOf(error).some(
    (current) =>
      typeof (current as { code?: unknown }).code === "string" ||
      current.name === "AbortError" ||
      /fetch failed|terminated|socket|network/i.test(current.message)
  );

/** The reply was cut off for its size, wherever an SDK wrapped that up. */
const tooLarge = (error: unknown): Error | undefined =>
  causesOf(error).find((current) => current instanceof ReplyTooLarge);

export const classifyError = (error: unknown, context: CallContext): LlmError => {
  const { provider, model, secrets } = context;
  // The prefix comes from the config; only what the server or the network said can carry the key.
  const line = (text: string): string => `${provider}/${model}: ${oneLine(text, secrets)}`;

  // Not retried: the same model asked the same thing would most likely write as much again.
  const oversized = tooLarge(error);
  if (oversized !== undefined) return new MalformedResponse({ provider, model, message: line(oversized.message) });

  if (isUserAbort(error)) return new ConnectionFailed({ provider, model, message: line("request aborted") });
  if (isConnectionTimeout(error)) {
    return new ConnectionFailed({ provider, model, message: line("connection timed out") });
  }
  if (isApiError(error) && typeof error.status === "number") {
    const status = error.status;
    const detail = apiDetail(error);
    const retryAfterMs = parseRetryAfter(error.headers);
    const wait = retryAfterMs === undefined ? "" : ` (retry after ${formatDelay(retryAfterMs)})`;
    if (status === 429)
      return new RateLimited({ provider, model, retryAfterMs, message: line(`429 rate limited${wait}`) });
    if (status >= 500 || status === 408 || status === 409) {
      const what = status === 529 ? "overloaded" : "server error";
      return new ServerError({
        provider,
        model,
        status,
        retryAfterMs,
        message: line(`${status} ${what}${wait}: ${detail}`)
      });
    }
    if (status === 401 || status === 403) {
      const hint = context.keyVariable === undefined ? "" : ` (check ${context.keyVariable})`;
      return new AuthFailed({
        provider,
        model,
        status,
        message: line(`${status} authentication failed${hint}: ${detail}`)
      });
    }
    return new RequestRejected({ provider, model, status, message: line(`${status} request rejected: ${detail}`) });
  }
  // A 2xx whose body is not JSON at all: the SDK's response.json() throws.
  if (error instanceof SyntaxError) {
    return new MalformedResponse({
      provider,
      model,
      message: line(`malformed response: invalid JSON (${error.message})`)
    });
  }
  if (isApiError(error) || hasNetworkCause(error)) {
    return new ConnectionFailed({ provider, model, message: line(`connection failed: ${connectionDetail(error)}`) });
  }
  // Anything else is a bug or an SDK-side refusal; retrying would not change it.
  const message = messageOf(error);
  return new RequestRejected({ provider, model, status: 0, message: line(`client error: ${message}`) });
};
