import { BUILTIN_PROVIDERS, type ConsortiumConfig, type MemberConfig, type ProviderConfig } from "@consortium/config";
import {
  type Answers,
  type AttemptOptions,
  LlmClient,
  type LlmError,
  type LlmRequest,
  type LlmResponse
} from "@consortium/providers";
import { Clock, Duration, Effect, Layer } from "effect";
import type { RunEvent } from "../src/RunEvents.js";
import { RunEvents } from "../src/RunEvents.js";
import type { CallRecord, RunEnded, RunStarted } from "../src/RunLog.js";
import { RunLog } from "../src/RunLog.js";

// Test doubles for the program: a scripted in-memory LlmClient that counts what is in flight, a run
// log that keeps every record, and a config builder. Time is Effect's clock, so TestClock drives it.

export const provider = (name: string, concurrency?: number): ProviderConfig => ({
  name,
  type: "openai",
  baseUrl: undefined,
  apiKeyEnv: undefined,
  concurrency
});

export const member = (ref: string, count = 1, extra: Partial<MemberConfig> = {}): MemberConfig => {
  const slash = ref.indexOf("/");
  return { provider: ref.slice(0, slash), model: ref.slice(slash + 1), count, ...extra };
};

/** A consortium on the keyless providers "p" and "q"; members p/a ×2 and q/b, arbiter p/judge. */
export const makeConfig = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig => ({
  name: "test",
  description: undefined,
  members: [member("p/a", 2), member("q/b")],
  arbiter: { provider: "p", model: "judge", fallbacks: [] },
  confidenceThreshold: 0.8,
  minIterations: 1,
  maxIterations: 3,
  system: "Be exact.",
  anonymize: true,
  prompts: { member: undefined, refine: undefined, arbiter: undefined },
  providers: { p: provider("p"), q: provider("q") },
  limits: { concurrency: 8, timeoutMs: 60_000, retries: 3, quorum: 1, runTimeoutMs: 15 * 60_000 },
  source: undefined,
  ...overrides
});

export const limits = (overrides: Partial<ConsortiumConfig["limits"]>): ConsortiumConfig["limits"] => ({
  ...makeConfig().limits,
  ...overrides
});

/**
 * A consortium on the real openai and anthropic providers, for runs against the fake LLM server:
 * members openai/gpt-m and anthropic/claude-m, arbiter anthropic/claude-judge, one round, no retries.
 */
export const httpConfig = (overrides: Partial<ConsortiumConfig> = {}): ConsortiumConfig => ({
  ...makeConfig(),
  name: "http",
  members: [member("openai/gpt-m"), member("anthropic/claude-m")],
  arbiter: { provider: "anthropic", model: "claude-judge", fallbacks: [] },
  maxIterations: 1,
  system: undefined,
  providers: { ...BUILTIN_PROVIDERS },
  limits: limits({ timeoutMs: 5000, retries: 0 }),
  ...overrides
});

export const arbiterReply = (parts: {
  synthesis: string;
  confidence: number | string;
  needs?: boolean;
  areas?: ReadonlyArray<string>;
  dissent?: string;
}): string =>
  `<analysis>checked</analysis>\n<synthesis>${parts.synthesis}</synthesis>\n<dissent>${parts.dissent ?? "none"}</dissent>\n` +
  `<confidence>${parts.confidence}</confidence>\n<needs_iteration>${parts.needs ?? false}</needs_iteration>\n` +
  `<refinement_areas>${(parts.areas ?? ["nothing much"]).map((a) => `<area>${a}</area>`).join("")}</refinement_areas>`;

/** What one scripted call does. */
export type Step =
  | { readonly text: string; readonly latencyMs?: number; readonly usage?: LlmResponse["usage"] }
  | { readonly fail: LlmError; readonly latencyMs?: number }
  | { readonly hang: true };

export interface SeenCall {
  readonly request: LlmRequest;
  /** What the caller handed the client to bound the attempt with, if anything. */
  readonly attempt: AttemptOptions | undefined;
  readonly provider: string;
  readonly startedAt: number;
  /** "answered" | "failed" | "aborted" once ended. */
  outcome: "pending" | "answered" | "failed" | "aborted";
  endedAt: number | undefined;
}

export interface ScriptedClient {
  readonly layer: Layer.Layer<LlmClient>;
  readonly calls: Array<SeenCall>;
  readonly callsTo: (model: string) => Array<SeenCall>;
  readonly maxInFlight: () => number;
  readonly maxInFlightFor: (provider: string) => number;
}

/**
 * `script(request, n)` decides call n (0-based, per model) of `request.model`. Latency is slept on
 * Effect's clock; an interrupted call is marked "aborted", as a real client's aborted request.
 */
export const scriptedClient = (
  script: (request: LlmRequest, n: number) => Step,
  options: { readonly answers?: Answers } = {}
): ScriptedClient => {
  const calls: Array<SeenCall> = [];
  const perModel = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const inFlightBy = new Map<string, number>();
  const maxBy = new Map<string, number>();

  const complete = (
    providerConfig: ProviderConfig,
    request: LlmRequest,
    attempt?: AttemptOptions
  ): Effect.Effect<LlmResponse, LlmError> =>
    Effect.gen(function* () {
      const n = perModel.get(request.model) ?? 0;
      perModel.set(request.model, n + 1);
      const seen: SeenCall = {
        request,
        attempt,
        provider: providerConfig.name,
        startedAt: yield* Clock.currentTimeMillis,
        outcome: "pending",
        endedAt: undefined
      };
      calls.push(seen);
      const end = (outcome: SeenCall["outcome"]) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            seen.outcome = outcome;
            seen.endedAt = now;
            inFlight -= 1;
            inFlightBy.set(providerConfig.name, (inFlightBy.get(providerConfig.name) ?? 0) - 1);
          })
        );
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const mine = (inFlightBy.get(providerConfig.name) ?? 0) + 1;
      inFlightBy.set(providerConfig.name, mine);
      maxBy.set(providerConfig.name, Math.max(maxBy.get(providerConfig.name) ?? 0, mine));

      const step = script(request, n);
      const run: Effect.Effect<LlmResponse, LlmError> =
        "hang" in step
          ? Effect.never
          : Effect.zipRight(
              Effect.sleep(Duration.millis(step.latencyMs ?? 0)),
              "fail" in step
                ? Effect.fail(step.fail)
                : Effect.succeed({ text: step.text, usage: step.usage ?? { inputTokens: 10, outputTokens: 5 } })
            );
      return yield* run.pipe(
        Effect.tapBoth({ onFailure: () => end("failed"), onSuccess: () => end("answered") }),
        Effect.onInterrupt(() => end("aborted"))
      );
    });

  return {
    layer: Layer.succeed(
      LlmClient,
      options.answers === undefined ? { complete } : { complete, answers: options.answers }
    ),
    calls,
    callsTo: (model) => calls.filter((call) => call.request.model === model),
    maxInFlight: () => maxInFlight,
    maxInFlightFor: (name) => maxBy.get(name) ?? 0
  };
};

export interface RecordingLog {
  readonly layer: Layer.Layer<RunLog>;
  readonly started: Array<RunStarted>;
  readonly calls: Array<CallRecord>;
  readonly ended: Array<RunEnded>;
}

export const recordingLog = (): RecordingLog => {
  const started: Array<RunStarted> = [];
  const calls: Array<CallRecord> = [];
  const ended: Array<RunEnded> = [];
  return {
    layer: Layer.succeed(RunLog, {
      runStarted: (run) => Effect.sync(() => void started.push(run)),
      callEnded: (call) => Effect.sync(() => void calls.push(call)),
      runEnded: (run) => Effect.sync(() => void ended.push(run))
    }),
    started,
    calls,
    ended
  };
};

export const recordingEvents = (): { readonly layer: Layer.Layer<RunEvents>; readonly events: Array<RunEvent> } => {
  const events: Array<RunEvent> = [];
  return { layer: Layer.succeed(RunEvents, { emit: (event) => Effect.sync(() => void events.push(event)) }), events };
};

/** The user message of a request (every request the engine sends has exactly one). */
export const userText = (request: LlmRequest): string => request.messages[0]?.content ?? "";
