import type { RunResult } from "@consortium/engine";

// What a server answers about a run that finished: its answer, status and totals. The rounds and
// every call stay in the store (`consortium show <run id>`); a run's full result holds each member's
// whole answer, which the answer to a client never shows, and a run thread would copy it across to
// the main thread for every request.

export interface RunSummary {
  readonly runId: string;
  readonly consortium: string;
  readonly status: RunResult["status"];
  readonly synthesis: { readonly text: string; readonly confidence: number } | null;
  /** How many rounds made calls. */
  readonly iterations: number;
  readonly usage: {
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly costUsd: number | null;
  };
  /** One line a human can read; null on success. */
  readonly error: string | null;
  /** ISO-8601 */
  readonly startedAt: string;
}

export const summarise = (result: RunResult): RunSummary => ({
  runId: result.runId,
  consortium: result.consortium,
  status: result.status,
  synthesis:
    result.synthesis === null ? null : { text: result.synthesis.text, confidence: result.synthesis.confidence },
  iterations: result.iterations.length,
  usage: {
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    costUsd: result.usage.costUsd
  },
  error: result.error,
  startedAt: result.startedAt
});
