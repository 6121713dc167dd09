import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsortiumConfig } from "@consortium/config";
import type { CallRecord, Iteration, RunEnded, RunResult, RunStarted, RunStatus } from "@consortium/engine";

// Realistic records, shaped as the engine sends them, so the store is tested on what it will get.

export const tempDir = (): { readonly dir: string; readonly cleanup: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-store-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

export const config = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig => ({
  name: "research",
  description: "Frontier models answer research questions together.",
  members: [
    { provider: "openai", model: "gpt-4.1-mini", count: 2, temperature: 0.7 },
    { provider: "anthropic", model: "claude-sonnet-4-5", count: 1 }
  ],
  arbiter: { provider: "anthropic", model: "claude-sonnet-4-5", fallbacks: [{ provider: "openai", model: "gpt-4.1" }] },
  confidenceThreshold: 0.8,
  minIterations: 1,
  maxIterations: 3,
  system: "Answer as a careful domain expert.",
  anonymize: true,
  prompts: { member: undefined, refine: undefined, arbiter: undefined },
  providers: {
    openai: { name: "openai", type: "openai", baseUrl: undefined, apiKeyEnv: "OPENAI_API_KEY", concurrency: undefined },
    anthropic: {
      name: "anthropic",
      type: "anthropic",
      baseUrl: undefined,
      apiKeyEnv: "ANTHROPIC_API_KEY",
      concurrency: undefined
    },
    ollama: {
      name: "ollama",
      type: "openai",
      baseUrl: "http://localhost:11434/v1",
      apiKeyEnv: "OLLAMA_KEY",
      concurrency: 2
    }
  },
  limits: { concurrency: 8, timeoutMs: 120_000, retries: 3, quorum: 1, runTimeoutMs: 900_000 },
  source: undefined,
  ...overrides
});

export const at = (second: number): string => new Date(Date.UTC(2025, 0, 2, 10, 0, second)).toISOString();

export const runStarted = (runId: string, overrides: Partial<RunStarted> = {}): RunStarted => ({
  runId,
  config: config(),
  prompt: "What is the capital of Australia?\nAnswer in one sentence.",
  startedAt: at(0),
  ...overrides
});

export const memberCall = (runId: string, iteration: number, instance: number, overrides: Partial<CallRecord> = {}) =>
  ({
    runId,
    iteration,
    role: "member",
    provider: "openai",
    model: "gpt-4.1-mini",
    instance,
    request: {
      provider: "openai",
      model: "gpt-4.1-mini",
      system: "Answer as a careful domain expert.",
      temperature: 0.7,
      messages: [{ role: "user", content: "What is the capital of Australia?" }]
    },
    text: `Canberra is the capital of Australia (instance ${instance}).\nIt was chosen as a compromise.\nSydney and Melbourne both wanted it.\nIt opened in 1927.`,
    parsed: null,
    usage: { inputTokens: 20 + instance, outputTokens: 40 + instance, costUsd: null },
    latencyMs: 1200 + instance,
    attempts: 1,
    error: null,
    startedAt: at(iteration * 10),
    endedAt: at(iteration * 10 + 1),
    ...overrides
  }) satisfies CallRecord;

export const synthesis = (confidence: number, needsIteration: boolean) => ({
  text: "Canberra is the capital of Australia.",
  confidence,
  analysis: "All answers agree.",
  dissent: "",
  needsIteration,
  refinementAreas: needsIteration ? ["cite the 1908 decision", "mention the Parliament House"] : [],
  parsed: true
});

export const arbiterCall = (runId: string, iteration: number, overrides: Partial<CallRecord> = {}) =>
  ({
    runId,
    iteration,
    role: "arbiter",
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    instance: 0,
    request: {
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "<responses>…" }]
    },
    text: "<synthesis>Canberra is the capital of Australia.</synthesis><confidence>0.9</confidence>",
    parsed: synthesis(iteration === 1 ? 0.6 : 0.9, iteration === 1),
    usage: { inputTokens: 300, outputTokens: 90, costUsd: null },
    latencyMs: 3400,
    attempts: 1,
    error: null,
    startedAt: at(iteration * 10 + 2),
    endedAt: at(iteration * 10 + 5),
    ...overrides
  }) satisfies CallRecord;

const iteration = (runId: string, index: number): Iteration => ({
  index,
  usage: { inputTokens: 380, outputTokens: 173, costUsd: null },
  responses: [1, 2].map((instance) => {
    const call = memberCall(runId, index, instance);
    return {
      member: "openai/gpt-4.1-mini",
      instance,
      text: call.text ?? "",
      usage: call.usage,
      latencyMs: call.latencyMs,
      attempts: 1,
      error: null
    };
  }),
  synthesis: synthesis(index === 1 ? 0.6 : 0.9, index === 1),
  arbiter: {
    model: "anthropic/claude-sonnet-4-5",
    raw: "<synthesis>…</synthesis>",
    usage: { inputTokens: 300, outputTokens: 90, costUsd: null },
    latencyMs: 3400,
    attempts: 1,
    error: null
  },
  shuffleSeed: 42,
  decision: index === 1 ? "low_confidence" : "confident"
});

export const result = (runId: string, status: RunStatus, overrides: Partial<RunResult> = {}): RunResult => ({
  runId,
  consortium: "research",
  status,
  prompt: "What is the capital of Australia?\nAnswer in one sentence.",
  synthesis: status === "failed" ? null : synthesis(0.9, false),
  iterations: status === "failed" ? [] : [iteration(runId, 1), iteration(runId, 2)],
  usage: { inputTokens: 1000, outputTokens: 500, costUsd: 0.0123, costComplete: true, unpricedModels: [] },
  durationMs: 25_000,
  error: status === "failed" ? "no quorum: 0 of 3 members answered (need 1)" : null,
  warnings: [],
  startedAt: at(0),
  endedAt: at(25),
  ...overrides
});

export const runEnded = (runId: string, status: RunStatus, overrides: Partial<RunResult> = {}): RunEnded => ({
  runId,
  status,
  result: result(runId, status, overrides)
});

/** The calls of a two-iteration run: two member instances and the arbiter each time. */
export const callsOfRun = (runId: string): ReadonlyArray<CallRecord> =>
  [1, 2].flatMap((it) => [memberCall(runId, it, 1), memberCall(runId, it, 2), arbiterCall(runId, it)]);
