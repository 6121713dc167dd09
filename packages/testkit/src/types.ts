import type { IncomingHttpHeaders } from "node:http";

// The vocabulary of the fake server: what a test scripts (replies and faults) and what it can
// inspect afterwards (recorded requests and stats).

export type Protocol = "openai" | "anthropic";

/** What can go wrong instead of an answer. */
export type Fault =
  /** An HTTP error in the provider's own JSON error shape (unless `body` overrides it). */
  | {
      readonly type: "status";
      readonly status: number;
      /** Sent as the `Retry-After` header: seconds, or an HTTP date string. */
      readonly retryAfter?: string | number;
      /** Sent as the non-standard `retry-after-ms` header the SDKs honour. */
      readonly retryAfterMs?: number;
      /** Raw body text; default: the provider's real error JSON with `message`. */
      readonly body?: string;
      readonly message?: string;
    }
  /** Never answers; the request ends only when the client aborts (or the server closes). */
  | { readonly type: "hang" }
  /** Destroys the socket after reading the request: the client sees a connection reset. */
  | { readonly type: "reset" }
  /** 200 with a body that is not a usable completion; default: truncated JSON. */
  | { readonly type: "malformed"; readonly body?: string; readonly contentType?: string };

/** How a streamed reply (a request with `stream: true`) is paced; without it the whole stream is one write. */
export interface StreamPacing {
  /** The answer text cut into events; joined they are the text (which they give when `text` is unset). */
  readonly pieces?: ReadonlyArray<string>;
  /** Real-timer pause before each piece after the first. */
  readonly delayMs?: number;
  /**
   * After the first piece nothing more is sent until this settles: a test holds the stream open until
   * it has seen the first piece arrive (in-process scripts only; a promise does not travel as JSON).
   */
  readonly holdAfterFirst?: PromiseLike<unknown>;
}

export interface Reply {
  /** Answer text; default: a short deterministic echo of the request. */
  readonly text?: string;
  /** Real-timer delay before answering (or before the fault). Keep it short in tests. */
  readonly latencyMs?: number;
  /** Default: derived from the text lengths (about 4 characters a token). */
  readonly usage?: {
    readonly input: number;
    readonly output: number;
    /** Of `input`, tokens read from the prompt cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens). */
    readonly cached?: number;
    /** Of `input`, tokens written to the prompt cache (Anthropic cache_creation_input_tokens). */
    readonly cacheWrite?: number;
  };
  readonly fault?: Fault;
  /** OpenAI finish_reason / Anthropic stop_reason; default "stop" / "end_turn". */
  readonly stopReason?: string;
  /** Pacing of a streamed reply; ignored when the request does not stream. */
  readonly stream?: StreamPacing;
}

export type ReplyFn = (request: FakeRequest) => Reply | Promise<Reply>;

/**
 * A single reply is given to every call; an array is a sequence (call n gets element n, and the last
 * element repeats once the sequence is used up: `[rateLimited, rateLimited, ok]` is "429 twice then
 * succeed"); a function decides per request.
 */
export type Script = Reply | ReadonlyArray<Reply> | ReplyFn;

export interface ChatTurn {
  readonly role: string;
  readonly content: string;
}

/** What a scripted function sees, and what `requests` records. */
export interface FakeRequest {
  /** 1-based, across the whole server. */
  readonly seq: number;
  /** 0-based count of earlier calls to the same model (since the last reset). */
  readonly index: number;
  readonly protocol: Protocol;
  readonly path: string;
  readonly model: string;
  readonly stream: boolean;
  /** System prompt in either protocol (OpenAI system messages joined, Anthropic `system`). */
  readonly system: string | undefined;
  /** Non-system turns with their text flattened. */
  readonly messages: ReadonlyArray<ChatTurn>;
  /** The parsed JSON body exactly as sent. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Kept verbatim so tests can check what credentials were (or were not) sent. */
  readonly headers: IncomingHttpHeaders;
}

export type Outcome = "pending" | "answered" | "fault" | "aborted";

export interface RecordedRequest extends FakeRequest {
  readonly startedAt: number;
  /** Undefined while in flight. */
  readonly endedAt: number | undefined;
  readonly outcome: Outcome;
  /** The client closed the connection before the answer was complete (timeout, interrupt). */
  readonly aborted: boolean;
  /** HTTP status sent, when one was. */
  readonly status: number | undefined;
  /**
   * A streamed reply: when its first text piece was written, in epoch milliseconds with a fraction
   * (`performance.timeOrigin + performance.now()`, comparable across processes on one machine).
   */
  readonly firstPieceAt: number | undefined;
}

export interface ModelStats {
  readonly calls: number;
  readonly inFlight: number;
  readonly maxInFlight: number;
  readonly aborted: number;
}

export interface FakeStats extends ModelStats {
  readonly byModel: Readonly<Record<string, ModelStats>>;
}

export interface FakeLlmOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1: loopback only. */
  readonly host?: string;
  /** Used for models without a script. */
  readonly defaultReply?: Reply | ReplyFn;
  /** Initial scripts, as if `script(model, ...)` was called for each. */
  readonly scripts?: Readonly<Record<string, Script>>;
  /** Keep every request in `requests` (default true). Benchmarks turn it off to keep memory flat. */
  readonly record?: boolean;
}

export interface FakeLlm {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/v1`, what the OpenAI SDK wants. */
  readonly openaiBaseUrl: string;
  /** `${url}`, the Anthropic SDK appends /v1/messages itself. */
  readonly anthropicBaseUrl: string;
  readonly port: number;
  /** Replaces the script for one model id (as sent in the request body). */
  script(model: string, script: Script): void;
  /** Every request received since the last reset, in arrival order. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** A snapshot. */
  readonly stats: FakeStats;
  /** Resolves once nothing is in flight (every request answered, failed or aborted). */
  idle(timeoutMs?: number): Promise<void>;
  /** Forgets scripts, requests and stats. */
  reset(): void;
  /** Stops listening and drops every open connection (hanging requests end as aborted). */
  close(): Promise<void>;
}
