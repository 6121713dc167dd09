import type { ConsortiumConfig } from "@consortium/config";
import { Clock, Effect, Ref } from "effect";
import { withHistory } from "./conversation.js";
import { type Layer, memberContent } from "./memberRequest.js";
import type { PreviousRound } from "./prompts.js";
import type { MemberResponse, RunResult } from "./result.js";
import type { MemberInstance, RunContext } from "./runContext.js";
import { iso } from "./text/time.js";

// A member that is a whole consortium. Each of its instances is a run of its own, on the message a
// model member would get; that run's synthesis is the answer. A run that ends without a synthesis
// (failed, interrupted) is a failed answer, like a model call that failed after its retries.

/** Which call of which run asked for a nested run. */
export interface NestedLink {
  readonly runId: string;
  readonly iteration: number;
  /** `consortium/<ref>` */
  readonly member: string;
  readonly instance: number;
}

/**
 * Runs an included consortium for a member call, under the outer run's provider caps and budget.
 * Never fails: a run that cannot start is a failed result with its reason.
 */
export type RunNested = (
  config: ConsortiumConfig,
  prompt: string,
  link: NestedLink
) => Effect.Effect<{ readonly runId: string; readonly result: RunResult | null; readonly error: string | null }>;

const ZERO = { inputTokens: 0, outputTokens: 0, costUsd: null } as const;

export const askNested = (
  context: RunContext,
  instance: MemberInstance,
  iteration: number,
  previous: PreviousRound | undefined,
  layer: Layer | undefined
): Effect.Effect<MemberResponse> =>
  Effect.gen(function* () {
    const nested = instance.config.consortium;
    const content = memberContent(context, iteration, previous, undefined, layer);
    const startedMs = yield* Clock.currentTimeMillis;
    const link: NestedLink = { runId: context.runId, iteration, member: instance.member, instance: instance.instance };
    const ran =
      nested?.config === undefined || context.runNested === undefined
        ? {
            runId: null,
            result: null,
            error: `${instance.member}: the included consortium was not loaded (load the consortium from its file)`
          }
        : yield* context.runNested(nested.config, content, link);
    const endedMs = yield* Clock.currentTimeMillis;
    const synthesis = ran.result?.synthesis ?? null;
    const error =
      synthesis !== null
        ? null
        : {
            type: "NestedRunFailed",
            message: `${instance.member}${ran.runId === null ? "" : ` (run ${ran.runId})`}: ${
              ran.error ?? ran.result?.error ?? `ended ${ran.result?.status ?? "without a synthesis"}`
            }`
          };
    const {
      costComplete: _complete,
      unpricedModels: _unpriced,
      ...usage
    } = ran.result?.usage ?? {
      ...ZERO,
      costComplete: true,
      unpricedModels: []
    };
    const response: MemberResponse = {
      member: instance.member,
      instance: instance.instance,
      text: synthesis?.text ?? "",
      usage,
      latencyMs: endedMs - startedMs,
      attempts: 1,
      error,
      label: null,
      ...(ran.runId === null ? {} : { innerRunId: ran.runId }),
      ...(instance.role === undefined ? {} : { role: instance.role }),
      ...(layer === undefined ? {} : { layer: layer.index })
    };
    yield* context.log.callEnded({
      runId: context.runId,
      iteration,
      role: "member",
      provider: instance.config.provider,
      model: instance.config.model,
      instance: instance.instance,
      request: { consortium: nested?.ref, messages: withHistory(context.history, content) },
      text: error === null ? response.text : null,
      parsed: null,
      usage,
      latencyMs: response.latencyMs,
      attempts: 1,
      error,
      startedAt: iso(startedMs),
      endedAt: iso(endedMs),
      ...(ran.runId === null ? {} : { innerRunId: ran.runId }),
      ...(layer === undefined ? {} : { layer: layer.index })
    });
    yield* Ref.update(context.progress, (progress) =>
      progress.unfinished === null
        ? progress
        : {
            ...progress,
            unfinished: { ...progress.unfinished, responses: [...progress.unfinished.responses, response] }
          }
    );
    return response;
  });
