import { formatDurationSetting } from "@consortium/config";
import { Data } from "effect";

// One tagged error per way a model call can fail. `retryable` is decided here, once, so the retry
// policy and the reports agree on it.

interface CallFailure {
  readonly provider: string;
  readonly model: string;
  readonly message: string;
}

/** 429. `retryAfterMs` from the Retry-After / retry-after-ms headers when the server sent one. */
export class RateLimited extends Data.TaggedError("RateLimited")<
  CallFailure & { readonly retryAfterMs: number | undefined }
> {}
/** 5xx (and 408/409, which providers use for transient overload). */
export class ServerError extends Data.TaggedError("ServerError")<
  CallFailure & { readonly status: number; readonly retryAfterMs: number | undefined }
> {}
/** One attempt exceeded `limits.timeout`; the HTTP request was aborted. */
export class AttemptTimeout extends Data.TaggedError("AttemptTimeout")<CallFailure & { readonly timeoutMs: number }> {}

/** The AttemptTimeout of `provider/model` after `timeoutMs`, worded the same wherever it is raised. */
export const attemptTimedOut = (provider: string, model: string, timeoutMs: number): AttemptTimeout =>
  new AttemptTimeout({
    provider,
    model,
    message: `${provider}/${model}: no answer within ${formatDurationSetting(timeoutMs)}`,
    timeoutMs
  });
/** Connection refused, reset, DNS failure, or the body broke off mid-stream. */
export class ConnectionFailed extends Data.TaggedError("ConnectionFailed")<CallFailure> {}
/** 401/403: the key is missing, wrong or lacks access. Never retried. */
export class AuthFailed extends Data.TaggedError("AuthFailed")<CallFailure & { readonly status: number }> {}
/** Any other 4xx (400 bad request, 404 unknown model, 422 ...). Never retried. */
export class RequestRejected extends Data.TaggedError("RequestRejected")<CallFailure & { readonly status: number }> {}
/** The server answered 2xx but the body was not a usable completion. */
export class MalformedResponse extends Data.TaggedError("MalformedResponse")<CallFailure> {}

export type LlmError =
  | RateLimited
  | ServerError
  | AttemptTimeout
  | ConnectionFailed
  | AuthFailed
  | RequestRejected
  | MalformedResponse;

export const isRetryable = (error: LlmError): boolean =>
  error._tag === "RateLimited" ||
  error._tag === "ServerError" ||
  error._tag === "AttemptTimeout" ||
  error._tag === "ConnectionFailed";

/** Found before any call is made: the run never starts. */
export class MissingApiKey extends Data.TaggedError("MissingApiKey")<{
  readonly provider: string;
  readonly variable: string;
}> {}

/**
 * A base URL (the file's, or a *_BASE_URL variable) that cannot be called: malformed, or carrying
 * credentials. Found before any call; a run never starts only to fail or retry on it. The message
 * never repeats the URL, which may hold a password.
 */
export class InvalidBaseUrl extends Data.TaggedError("InvalidBaseUrl")<{
  readonly provider: string;
  /** Where the URL came from: `base_url` of the file, or the variable's name. */
  readonly source: string;
  readonly problem: string;
}> {}

/** Why a run cannot start, found by preflight. */
export type StartError = MissingApiKey | UnknownProvider | InvalidBaseUrl;

export class UnknownProvider extends Data.TaggedError("UnknownProvider")<{
  readonly provider: string;
  readonly known: ReadonlyArray<string>;
}> {}
