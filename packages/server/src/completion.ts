import type { RunSummary } from "./runSummary.js";

// A run's result in OpenAI's response shapes: one `chat.completion`, or the `chat.completion.chunk`s
// of a stream. Both carry a `consortium` object with what an OpenAI client cannot otherwise see.

export interface ConsortiumInfo {
  readonly runId: string;
  readonly status: RunSummary["status"];
  readonly confidence: number | null;
  readonly iterations: number;
  readonly costUsd: number | null;
}

export const consortiumInfo = (result: RunSummary): ConsortiumInfo => ({
  runId: result.runId,
  status: result.status,
  confidence: result.synthesis?.confidence ?? null,
  iterations: result.iterations,
  costUsd: result.usage.costUsd
});

/** Tokens over every member and arbiter call of the run: what the answer cost, not just its length. */
export const usageOf = (result: RunSummary) => ({
  prompt_tokens: result.usage.inputTokens,
  completion_tokens: result.usage.outputTokens,
  total_tokens: result.usage.inputTokens + result.usage.outputTokens
});

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export const completionId = (runId: string): string => `chatcmpl-${runId}`;

export const chatCompletion = (model: string, result: RunSummary) => ({
  id: completionId(result.runId),
  object: "chat.completion",
  created: seconds(result.startedAt),
  model,
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: result.synthesis?.text ?? "", refusal: null },
      logprobs: null,
      finish_reason: "stop"
    }
  ],
  usage: usageOf(result),
  consortium: consortiumInfo(result)
});

export const chunk = (
  id: string,
  model: string,
  created: number,
  delta: Record<string, unknown>,
  finishReason: string | null = null
) => ({
  id,
  object: "chat.completion.chunk",
  created,
  model,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }]
});
