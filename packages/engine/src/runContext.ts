import type { ConsortiumConfig, MemberConfig, ModelRef, ProviderConfig } from "@consortium/config";
import type { LlmClient, LlmRequest } from "@consortium/providers";
import { Effect, type Ref } from "effect";
import type { AnswerStream } from "./answerStream.js";
import type { CallHooks, CallOutcome } from "./callPolicy.js";
import type { Turn } from "./conversation.js";
import type { Gates } from "./gates.js";
import type { RunNested } from "./nestedMember.js";
import type { RunProgress } from "./outcome.js";
import type { CallRole, RunEvent, RunEvents } from "./RunEvents.js";
import type { CallRecord, RunLog } from "./RunLog.js";
import type { ResolvedTemplates } from "./templates.js";
import { iso } from "./text/time.js";

// What every step of one run shares. Built once by runConsortium; plain data plus the services.

export interface MemberInstance {
  readonly config: MemberConfig;
  /** `provider/model` */
  readonly member: string;
  /** 1-based within its member entry. */
  readonly instance: number;
  /** Position in file order, used to keep results in that order whatever finishes first. */
  readonly position: number;
  /** Its role from the strategy (appended to its system prompt); undefined without roles. */
  readonly role?: string | undefined;
}

export interface RunContext {
  readonly runId: string;
  readonly seed: number;
  readonly config: ConsortiumConfig;
  readonly prompt: string;
  /** Earlier turns of the conversation, sent before each call's own message; empty for a lone prompt. */
  readonly history: ReadonlyArray<Turn>;
  readonly templates: ResolvedTemplates;
  readonly instances: ReadonlyArray<MemberInstance>;
  readonly client: LlmClient["Type"];
  readonly log: RunLog["Type"];
  readonly gates: Gates;
  readonly progress: Ref.Ref<RunProgress>;
  /**
   * Where the run's progress events go, looked up once when the run starts; absent when nobody
   * listens (an eval), and then no event is built at all.
   */
  readonly events: RunEvents["Type"] | undefined;
  /** Runs an included consortium (a member that is one); absent where no member is. */
  readonly runNested?: RunNested;
  /** Where the answer goes out as it is written; absent unless the run was asked to stream it. */
  readonly answer?: AnswerStream;
  /**
   * The arbiter candidates (0 the arbiter, n its n-th fallback) whose last call in this run failed
   * after its retries: later rounds go to the next one rather than waiting out the same back-off again.
   */
  readonly arbitersDown: Set<number>;
}

/** Every member entry expanded into its instances, in file order. */
export const expandInstances = (
  members: ReadonlyArray<MemberConfig>,
  roles: ReadonlyArray<string> = []
): Array<MemberInstance> => {
  const instances: Array<MemberInstance> = [];
  for (const member of members) {
    for (let instance = 1; instance <= member.count; instance++) {
      instances.push({
        config: member,
        member: `${member.provider}/${member.model}`,
        instance,
        position: instances.length,
        ...(roles.length === 0 ? {} : { role: roles[instances.length % roles.length] })
      });
    }
  }
  return instances;
};

/** The provider of a reference; preflight has already proved it exists, so a miss is a bug. */
export const providerOf = (config: ConsortiumConfig, ref: ModelRef): Effect.Effect<ProviderConfig> =>
  Object.hasOwn(config.providers, ref.provider)
    ? Effect.succeed(config.providers[ref.provider]!)
    : Effect.dieMessage(`provider "${ref.provider}" vanished after preflight`);

/** Sends `event` to the run's listener, if it has one. */
export const emit = (context: RunContext, event: RunEvent): Effect.Effect<void> =>
  context.events === undefined ? Effect.void : context.events.emit(event);

const NO_EVENT = () => Effect.void;

/** Hooks that report a call's attempts, retries and end as RunEvents; `onEnd` adds the caller's own. */
export const callHooks = (
  context: RunContext,
  call: { readonly iteration: number; readonly role: CallRole; readonly label: string },
  onEnd: (outcome: CallOutcome) => Effect.Effect<void>
): CallHooks => {
  const events = context.events;
  // Nobody listens: a call's end is the caller's record alone (a replayed case makes eight events).
  if (events === undefined) return { onAttempt: NO_EVENT, onRetry: NO_EVENT, onEnd };
  const base = { runId: context.runId, iteration: call.iteration, role: call.role, label: call.label };
  return {
    onAttempt: (attempt) => events.emit({ _tag: "CallStarted", ...base, attempt }),
    onRetry: (attempt, error, delayMs) => events.emit({ _tag: "CallRetrying", ...base, attempt, delayMs, error }),
    onEnd: (outcome) =>
      Effect.zipRight(
        onEnd(outcome),
        events.emit({
          _tag: "CallEnded",
          ...base,
          latencyMs: outcome.latencyMs,
          attempts: outcome.attempts,
          error: outcome.error
        })
      )
  };
};

/** The request as the run log stores it: what was sent, never credentials (the client adds those). */
export const callRecordBase = (
  context: RunContext,
  request: LlmRequest,
  outcome: CallOutcome
): Omit<CallRecord, "iteration" | "role" | "instance" | "parsed"> => ({
  runId: context.runId,
  provider: request.provider,
  model: request.model,
  request,
  text: outcome.error === null ? outcome.text : null,
  usage: outcome.usage,
  latencyMs: outcome.latencyMs,
  attempts: outcome.attempts,
  error: outcome.error,
  startedAt: iso(outcome.startedAtMs),
  endedAt: iso(outcome.endedAtMs)
});
