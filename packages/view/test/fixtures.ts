import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsortiumConfig } from "@consortium/config";
import type { CallRecord, Iteration, RunResult, RunStatus } from "@consortium/engine";
import type { CaseTargetResult, EvalReport } from "@consortium/eval";
import { Store, type StoredRun } from "@consortium/store";
import { Effect } from "effect";

// Runs and evals written through the real store, so the pages are tested on what the database returns.
// One answer is hostile: every trick that would run a script if it reached the page as markup.

export const HOSTILE = [
  '<script>window.pwned = "script"; alert("script")</script>',
  "<img src=\"x\" onerror=\"window.pwned = 'img'; alert('img')\">",
  "[click me](javascript:alert('link')) and [spaced]( javascript:alert(1) )",
  '</script><script>window.pwned = "breakout"</script>',
  "<!-- <svg onload=alert('svg')>"
].join("\n");

export const tempDir = (): { readonly dir: string; readonly cleanup: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-view-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

export const config = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig => ({
  name: "research",
  description: "Answers research questions together.",
  members: [
    { provider: "openai", model: "gpt-4.1-mini", count: 2, temperature: 0.7 },
    { provider: "anthropic", model: "claude-sonnet-4-5", count: 1 }
  ],
  arbiter: { provider: "anthropic", model: "claude-sonnet-4-5", fallbacks: [] },
  confidenceThreshold: 0.8,
  minIterations: 1,
  maxIterations: 3,
  system: undefined,
  anonymize: true,
  prompts: { member: undefined, refine: undefined, arbiter: undefined },
  providers: {},
  limits: { concurrency: 8, timeoutMs: 120_000, retries: 3, quorum: 1, runTimeoutMs: 900_000 },
  source: undefined,
  ...overrides
});

const at = (base: number, second: number): string => new Date(base + second * 1000).toISOString();

export interface RunSpec {
  readonly runId: string;
  readonly prompt?: string;
  readonly rounds?: number;
  readonly status?: RunStatus | "running";
  readonly config?: ConsortiumConfig;
  /** The answer of a member instance in a round. */
  readonly answer?: (round: number, member: string, instance: number) => string;
  readonly synthesis?: string;
  /** Milliseconds since the epoch the run started at. */
  readonly startedAtMs?: number;
}

const MEMBERS = [
  { provider: "openai", model: "gpt-4.1-mini", instance: 1 },
  { provider: "openai", model: "gpt-4.1-mini", instance: 2 },
  { provider: "anthropic", model: "claude-sonnet-4-5", instance: 1 }
] as const;

export const defaultAnswer = (round: number, member: string, instance: number): string =>
  `Canberra is the capital (${member} #${instance}, round ${round}).`;

/** A run's records as the engine sends them: 3 member calls and an arbiter call per round. */
export const runRecords = (spec: RunSpec) => {
  const base = spec.startedAtMs ?? Date.UTC(2026, 0, 2, 10, 0, 0);
  const rounds = spec.rounds ?? 2;
  const prompt = spec.prompt ?? "What is the capital of Australia?";
  const answer = spec.answer ?? defaultAnswer;
  const synthesisText = spec.synthesis ?? "**Canberra** is the capital of Australia.";
  const calls: Array<CallRecord> = [];
  const iterations: Array<Iteration> = [];
  for (let round = 1; round <= rounds; round++) {
    const t = (round - 1) * 10;
    const responses = MEMBERS.map((member, index) => {
      const name = `${member.provider}/${member.model}`;
      const call: CallRecord = {
        runId: spec.runId,
        iteration: round,
        role: "member",
        provider: member.provider,
        model: member.model,
        instance: member.instance,
        request: { messages: [{ role: "user", content: prompt }] },
        text: answer(round, name, member.instance),
        parsed: null,
        // the Anthropic member has no price here
        usage: {
          inputTokens: 20 + index,
          outputTokens: 40 + index,
          costUsd: index === 2 ? null : (index + 1) / 10_000
        },
        latencyMs: 1000 + index * 500,
        attempts: index === 2 ? 2 : 1,
        error: null,
        startedAt: at(base, t),
        endedAt: at(base, t + 1 + index * 0.5)
      };
      calls.push(call);
      return {
        member: name,
        instance: member.instance,
        text: call.text ?? "",
        usage: call.usage,
        latencyMs: call.latencyMs,
        attempts: call.attempts,
        error: null,
        label: `Response ${index + 1}`
      };
    });
    const last = round === rounds;
    const synthesis = {
      text: last ? synthesisText : `Draft ${round}`,
      confidence: last ? 0.9 : 0.6,
      analysis: "The answers agree.",
      dissent: last ? "" : "One answer hedged.",
      needsIteration: !last,
      refinementAreas: last ? [] : ["cite the 1908 decision"],
      parsed: true
    };
    calls.push({
      runId: spec.runId,
      iteration: round,
      role: "arbiter",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      instance: 0,
      request: { messages: [] },
      text: `<synthesis>${synthesis.text}</synthesis>`,
      parsed: synthesis,
      usage: { inputTokens: 300, outputTokens: 90, costUsd: null },
      latencyMs: 3000,
      attempts: 1,
      error: null,
      startedAt: at(base, t + 3),
      endedAt: at(base, t + 6)
    });
    iterations.push({
      index: round,
      usage: { inputTokens: 341, outputTokens: 171, costUsd: null },
      responses,
      synthesis,
      arbiter: {
        model: "anthropic/claude-sonnet-4-5",
        raw: "",
        usage: { inputTokens: 300, outputTokens: 90, costUsd: null },
        latencyMs: 3000,
        attempts: 1,
        error: null
      },
      shuffleSeed: 1,
      decision: last ? "confident" : "low_confidence"
    });
  }
  const status = spec.status ?? "completed";
  const result: RunResult = {
    runId: spec.runId,
    consortium: (spec.config ?? config()).name,
    status: status === "running" ? "completed" : status,
    prompt,
    synthesis: iterations.at(-1)?.synthesis ?? null,
    iterations,
    usage: { inputTokens: 1000, outputTokens: 500, costUsd: 0.0123, costComplete: true, unpricedModels: [] },
    durationMs: rounds * 10_000,
    error: null,
    warnings: [],
    startedAt: at(base, 0),
    endedAt: at(base, rounds * 10)
  };
  return {
    started: { runId: spec.runId, config: spec.config ?? config(), prompt, startedAt: at(base, 0) },
    calls,
    result,
    status
  };
};

export const writeRun = (store: Store["Type"], spec: RunSpec) =>
  Effect.gen(function* () {
    const records = runRecords(spec);
    yield* store.runStarted(records.started);
    for (const call of records.calls) yield* store.callEnded(call);
    if (records.status !== "running") {
      yield* store.runEnded({ runId: spec.runId, status: records.status, result: records.result });
    }
  });

/** Opens the store at `path`, runs `use`, closes it. */
export const withStore = <A, E>(path: string, use: (store: Store["Type"]) => Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(Effect.flatMap(Store, use).pipe(Effect.provide(Store.layer(path, { env: {} }))));

export const storedRun = (path: string, spec: RunSpec): Promise<StoredRun> =>
  withStore(path, (store) => Effect.flatMap(writeRun(store, spec), () => store.getRun(spec.runId)));

const cell = (target: string, pass: boolean, output: string, failing?: string): CaseTargetResult => ({
  target,
  pass,
  output,
  confidence: target === "research" ? 0.9 : null,
  latencyMs: 1200,
  usage: { inputTokens: 10, outputTokens: 20 },
  judgeUsage: { inputTokens: 0, outputTokens: 0 },
  costUsd: 0.001,
  runId: null,
  status: "completed",
  error: null,
  replayMisses: [],
  assertions: [{ type: failing ?? "icontains", pass, reason: pass ? "found" : `expected "${failing}" to hold` }]
});

/** Three cases × two targets: both pass, the model fails, the consortium fails on a hostile answer. */
export const evalReport = (): EvalReport => {
  const cases = [
    {
      id: "capital",
      prompt: "Capital of Australia?",
      results: [cell("research", true, "Canberra"), cell("openai/gpt-4.1-mini", true, "Canberra")]
    },
    {
      id: "math",
      prompt: "2+2?",
      results: [cell("research", true, "4"), cell("openai/gpt-4.1-mini", false, "five", "contains")]
    },
    {
      id: "hostile",
      prompt: "<b>bold?</b>",
      results: [cell("research", false, HOSTILE, "not-icontains"), cell("openai/gpt-4.1-mini", true, "fine")]
    }
  ];
  const summary = (target: string, passed: number) => ({
    target,
    kind: target === "research" ? ("consortium" as const) : ("model" as const),
    total: 3,
    passed,
    passRate: passed / 3,
    meetsThreshold: passed === 3,
    meanConfidence: null,
    latencyP50Ms: 1200,
    latencyP95Ms: 1200,
    usage: { inputTokens: 30, outputTokens: 60 },
    judgeUsage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0.003,
    costPerCaseUsd: 0.001,
    costPerPassUsd: passed === 0 ? null : 0.003 / passed,
    costComplete: true,
    errors: 0,
    skipped: 0
  });
  return {
    evalId: "EVAL01",
    suite: "smoke",
    source: null,
    threshold: 1,
    shard: null,
    filter: null,
    targets: [summary("research", 2), summary("openai/gpt-4.1-mini", 2)],
    cases,
    replayMisses: [],
    startedAt: "2026-01-02T10:00:00.000Z",
    endedAt: "2026-01-02T10:01:00.000Z",
    durationMs: 60_000
  };
};
