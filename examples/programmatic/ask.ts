// Using consortium from TypeScript. `createConsortium` builds one in code (validated exactly like a
// file); `loadConsortium` reads a file from consortia/. Both resolve with the same result object
// `consortium run --json` prints.
import { createConsortium, loadConsortium, type RunResult } from "consortium";

/** Two cheap members and a stronger arbiter, stopping at 85% confidence. */
export const quickConsortium = (env: Record<string, string | undefined> = process.env) =>
  createConsortium({
    models: ["openai/gpt-5.1-mini:2", "anthropic/claude-haiku-4-5"],
    arbiter: "anthropic/claude-opus-5",
    confidenceThreshold: 0.85,
    maxIterations: 2,
    env
  });

/** Asks the file-defined research consortium, printing each member's progress to stderr. */
export const askResearch = async (prompt: string, file = "consortia/research.yaml"): Promise<RunResult> => {
  const research = await loadConsortium(file);
  return research.run(prompt, {
    onEvent: (event) => {
      if (event._tag === "CallEnded")
        process.stderr.write(`${event.label}: ${event.error === null ? "done" : "failed"}\n`);
    }
  });
};

export const summarize = (result: RunResult): string =>
  result.synthesis === null
    ? `${result.status}: ${result.error}`
    : `${result.status} after ${result.iterations.length} round(s), confidence ${result.synthesis.confidence}: ${result.synthesis.text}`;
