import type { ConsortiumConfig } from "@consortium/config";
import { Clock, Effect, Ref } from "effect";
import { withHistory } from "./conversation.js";
import { type Layer, memberContent, roleLine, withSystemText } from "./memberRequest.js";
import type { PreviousRound } from "./prompts.js";
import type { CallErrorInfo, MemberResponse, RunResult, Usage } from "./result.js";
import type { MemberInstance, RunContext } from "./runContext.js";
import { makeRunId } from "./runId.js";
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
  link: NestedLink,
  runId: string
) => Effect.Effect<{ readonly result: RunResult | null; readonly error: string | null }>;

const ZERO = { inputTokens: 0, outputTokens: 0, costUsd: null } as const;

/** The outer run's usage of a nested run: its totals, without the run-level cost flags. */
const usageOf = (result: RunResult | null): Usage => {
  if (result === null) return ZERO;
  const { costComplete: _complete, unpricedModels: _unpriced, ...usage } = result.usage;
  return usage;
};

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
    const innerRunId = nested?.config === undefined || context.runNested === undefined ? null : yield* makeRunId;

    /** Records the member call as it ended (an interrupt too), and keeps its answer in the round's progress. */
    const recordEnd = (result: RunResult | null, error: CallErrorInfo | null) =>
      Effect.gen(function* () {
        const endedMs = yield* Clock.currentTimeMillis;
        const usage = usageOf(result);
        const response: MemberResponse = {
          member: instance.member,
          instance: instance.instance,
          text: error === null ? (result?.synthesis?.text ?? "") : "",
          usage,
          latencyMs: endedMs - startedMs,
          attempts: 1,
          error,
          label: null,
          ...(innerRunId === null ? {} : { innerRunId }),
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
          ...(innerRunId === null ? {} : { innerRunId }),
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

    const failed = (reason: string): CallErrorInfo => ({
      type: "NestedRunFailed",
      message: `${instance.member}${innerRunId === null ? "" : ` (run ${innerRunId})`}: ${reason}`
    });
    if (nested?.config === undefined || context.runNested === undefined || innerRunId === null) {
      return yield* recordEnd(
        null,
        failed("the included consortium was not loaded (load the consortium from its file)")
      );
    }
    // an included consortium given a role passes it to every one of its members
    const role = instance.role === undefined ? undefined : roleLine(instance.role);
    const ran = yield* context.runNested(withSystemText(nested.config, role), content, link, innerRunId).pipe(
      Effect.onInterrupt(() =>
        recordEnd(null, {
          type: "Interrupted",
          message: `${instance.member} (run ${innerRunId}): cancelled before it answered (the run ended)`
        })
      )
    );
    const synthesis = ran.result?.synthesis ?? null;
    return yield* recordEnd(
      ran.result,
      synthesis !== null
        ? null
        : failed(ran.error ?? ran.result?.error ?? `ended ${ran.result?.status ?? "without a synthesis"}`)
    );
  });
