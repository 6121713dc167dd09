import type { StoredRun } from "../types.js";

// A stored run as JSON (`show --json`, the viewer's `.json` link and "Copy as JSON") by the names
// `run --json` gave it (runId, synthesis.text, iterations, usage), so a script reads a run the same way
// whether it ran it or looked it up. What only the store knows (the config, where it came from, the
// conversation, every call row) follows as additions. The row's own summary columns are left out: the
// result says the same under its own names.

/** The result object as the engine returned it, then the store's additions; never `id` or `result`. */
export const runJson = (run: StoredRun): Readonly<Record<string, unknown>> => {
  const {
    id,
    consortium,
    status,
    prompt,
    synthesis,
    confidence,
    iterations,
    inputTokens,
    outputTokens,
    costUsd,
    costComplete,
    startedAt,
    endedAt,
    durationMs,
    error,
    result,
    ...recorded
  } = run;
  // A run with no result yet (still going, or cut short by a crash) says what its row holds under the
  // same names; its rounds are not rebuilt, its calls so far are under `calls`.
  const shape = result ?? {
    runId: id,
    consortium,
    status,
    prompt,
    synthesis: synthesis === null ? null : { text: synthesis, confidence },
    iterations: [],
    usage: { inputTokens, outputTokens, costUsd, costComplete },
    durationMs,
    error,
    startedAt,
    endedAt
  };
  return { ...shape, ...recorded };
};
