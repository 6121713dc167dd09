import type { ProviderConfig } from "@consortium/config";
import { LlmClient, type LlmError, type LlmRequest, type LlmResponse } from "@consortium/providers";
import { Effect, Layer } from "effect";

// An in-memory LlmClient for tests that are about eval's own logic (the cassette, the runner), not
// HTTP: `answer` decides each reply; `calls` records what was asked.

export type Answer = (request: LlmRequest, callIndex: number) => LlmResponse | LlmError;

export const provider = (name: string): ProviderConfig => ({
  name,
  type: "openai",
  baseUrl: "http://127.0.0.1:1/v1",
  apiKeyEnv: undefined,
  concurrency: undefined
});

export const reply = (text: string): LlmResponse => ({
  text,
  usage: { inputTokens: text.length, outputTokens: Math.ceil(text.length / 4) }
});

export const memoryClient = (answer: Answer) => {
  const calls: Array<LlmRequest> = [];
  const layer = Layer.succeed(LlmClient, {
    complete: (_provider, request) =>
      Effect.suspend(() => {
        calls.push(request);
        const outcome = answer(request, calls.length - 1);
        return "_tag" in outcome ? Effect.fail(outcome) : Effect.succeed(outcome);
      })
  });
  return { layer, calls };
};
