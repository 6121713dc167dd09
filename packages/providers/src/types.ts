// Our own request/response vocabulary: the engine never sees an SDK type.
import type { ModelParams, ModelRef } from "@consortium/config";

export interface ChatMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

export interface LlmRequest extends ModelRef, ModelParams {
  readonly messages: ReadonlyArray<ChatMessage>;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface LlmResponse {
  readonly text: string;
  readonly usage: Usage;
}
