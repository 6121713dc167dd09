import type { ProviderConfig } from "@consortium/config";
import { Context, type Effect } from "effect";
import type { LlmError } from "./errors.js";
import type { LlmRequest, LlmResponse } from "./types.js";

/** What the caller bounds one attempt with. */
export interface AttemptOptions {
  /** Give up after this long: abort the request and fail with AttemptTimeout. */
  readonly timeoutMs: number;
}

/**
 * Hears the answer text of one attempt piece by piece as the model writes it (the live client then
 * streams the call). The pieces of a successful attempt join to exactly its `LlmResponse.text`, before
 * secrets are scrubbed; an attempt that fails may have sent some first. A client that cannot stream
 * (a cassette replay) may send nothing and just answer.
 */
export type OnText = (delta: string) => void;

/**
 * How a client answers, so the caller does only the work that matters for it:
 * - "local": from memory (a cassette replay). No timeout, retry or concurrency permit can change the
 *   answer, so the caller skips them: they cost more CPU than the answer itself.
 * - "timed": over the network, and it enforces `AttemptOptions.timeoutMs` itself (a timer that aborts
 *   the request), which is cheaper than the caller racing every attempt against a forked timer.
 * - absent: the caller enforces the timeout by interrupting the attempt.
 */
export type Answers = "local" | "timed";

/**
 * One attempt at one model call. Interrupting the effect aborts the HTTP request (the SDKs get an
 * AbortSignal). Retries, timeouts and concurrency are layered on top, never inside (a "timed" client
 * only applies the timeout it is handed).
 * Implementations: the live one over the official SDKs, and eval's cassette record/replay.
 */
export class LlmClient extends Context.Tag("@consortium/providers/LlmClient")<
  LlmClient,
  {
    readonly complete: (
      provider: ProviderConfig,
      request: LlmRequest,
      attempt?: AttemptOptions,
      onText?: OnText
    ) => Effect.Effect<LlmResponse, LlmError>;
    readonly answers?: Answers;
    /**
     * true: this client never reads the engine's call site (which call of the run a request is), so
     * the caller need not set it around each call. Absent: it is set (a recording or replaying client
     * needs it).
     */
    readonly ignoresCallSite?: boolean;
  }
>() {}
