import type { LlmRequest } from "@consortium/providers";
import { Effect, Ref } from "effect";
import { type CallOutcome, callModel } from "./callPolicy.js";
import { withHistory } from "./conversation.js";
import { memberPrompt, type PreviousRound, refinePrompt } from "./prompts.js";
import type { MemberResponse } from "./result.js";
import { callHooks, callRecordBase, type MemberInstance, providerOf, type RunContext } from "./runContext.js";

// One round of member calls: every instance at once (the gates do the limiting), each recorded the
// moment it ends, failures kept as data next to their member.

export const memberRequest = (
  context: RunContext,
  instance: MemberInstance,
  iteration: number,
  previous: PreviousRound | undefined
): LlmRequest => {
  const { config: member } = instance;
  const system = member.system ?? context.config.system;
  const content =
    previous === undefined
      ? memberPrompt(context.templates, { prompt: context.prompt, system })
      : refinePrompt(context.templates, { prompt: context.prompt, iteration, previous });
  return {
    provider: member.provider,
    model: member.model,
    temperature: member.temperature,
    maxTokens: member.maxTokens,
    topP: member.topP,
    system,
    messages: withHistory(context.history, content)
  };
};

const askInstance = (
  context: RunContext,
  instance: MemberInstance,
  iteration: number,
  previous: PreviousRound | undefined
): Effect.Effect<MemberResponse> =>
  Effect.gen(function* () {
    const request = memberRequest(context, instance, iteration, previous);
    const provider = yield* providerOf(context.config, instance.config);
    const toResponse = (outcome: CallOutcome): MemberResponse => ({
      member: instance.member,
      instance: instance.instance,
      text: outcome.error === null ? outcome.text : "",
      usage: outcome.usage,
      latencyMs: outcome.latencyMs,
      attempts: outcome.attempts,
      error: outcome.error,
      label: null
    });
    const hooks = callHooks(
      context,
      { iteration, role: "member", label: `${instance.member}#${instance.instance}` },
      (outcome) =>
        Effect.zipRight(
          context.log.callEnded({
            ...callRecordBase(context, request, outcome),
            iteration,
            role: "member",
            instance: instance.instance,
            parsed: null
          }),
          // Kept in the run's progress at once, so a run cut short still reports this answer.
          Ref.update(context.progress, (progress) =>
            progress.unfinished === null
              ? progress
              : {
                  ...progress,
                  unfinished: {
                    ...progress.unfinished,
                    responses: [...progress.unfinished.responses, toResponse(outcome)]
                  }
                }
          )
        )
    );
    const outcome = yield* callModel(context.client, provider, request, context.config.limits, context.gates, hooks);
    return toResponse(outcome);
  });

/** Every member instance answers; the result is in file order whatever finished first. */
export const askMembers = (
  context: RunContext,
  iteration: number,
  previous: PreviousRound | undefined
): Effect.Effect<Array<MemberResponse>> =>
  Effect.forEach(context.instances, (instance) => askInstance(context, instance, iteration, previous), {
    concurrency: "unbounded"
  });
