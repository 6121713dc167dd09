import type { ChatTurn, Protocol } from "../types.js";

/** A protocol's request parsing and response rendering; the server itself is protocol-agnostic. */
export interface ParsedRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly system: string | undefined;
  readonly messages: ReadonlyArray<ChatTurn>;
}

export interface Answer {
  readonly model: string;
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of inputTokens, how many were read from / written to the prompt cache (0 when unscripted). */
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly stopReason: string | undefined;
}

export interface Rendered {
  readonly contentType: string;
  readonly payload: string;
}

/** A streamed reply as its parts: `head` goes with the first piece, `tail` after the last. */
export interface StreamFrames {
  readonly head: string;
  /** One event per piece of the answer text. */
  readonly pieces: ReadonlyArray<string>;
  readonly tail: string;
}

export interface Wire {
  readonly protocol: Protocol;
  /** A message naming what is wrong when the body is not a request of this protocol. */
  readonly parse: (body: Record<string, unknown>) => ParsedRequest | string;
  readonly answer: (answer: Answer, stream: boolean) => Rendered;
  /** The SSE reply cut at the given text pieces, for replies that stream with pauses. */
  readonly streamFrames: (answer: Answer, pieces: ReadonlyArray<string>) => StreamFrames;
  /** The provider's real error JSON, so the SDKs parse it into their APIError subclasses. */
  readonly error: (status: number, message: string) => string;
}
