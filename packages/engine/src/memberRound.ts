import type { LlmRequest } from "@consortium/providers";
import { Effect, Ref } from "effect";
import { type CallOutcome, callModel } from "./callPolicy.js";
import { withHistory } from "./conversation.js";
import { LAYER_TEMPLATE } from "./judging/templates.js";
import { formatResponses, type LabelledAnswer, memberPrompt, type PreviousRound, refinePrompt } from "./prompts.js";
import { renderTemplate } from "./render.js";
import type { MemberResponse } from "./result.js";
import { callHooks, callRecordBase, type MemberInstance, providerOf, type RunContext } from "./runContext.js";

// One round of member calls: every instance at once (the gates do the limiting), each recorded the
// moment it ends, failures kept as data next to their member.

/** From layer 2 on (Mixture-of-Agents), members improve on the previous layer's anonymised answers. */
export interface Layer {
  readonly index: number;
  readonly previous: ReadonlyArray<LabelledAnswer>;
}

/** The system prompt with the instance's role, when the strategy gives roles. */
const systemOf = (context: RunContext, instance: MemberInstance): string | undefined => {
  const base = instance.config.system ?? context.config.system;
  if (instance.role === undefined) return base;
  const role = `In this panel, your role is: ${instance.role}.`;
  return base === undefined ? role : `${base}\n\n${role}`;
};

export const memberRequest = (
  context: RunContext,
  instance: MemberInstance,
  iteration: number,
  previous: PreviousRound | undefined,
  layer?: Layer
): LlmRequest => {
  const { config: member } = instance;
  const system = systemOf(context, instance);
  const content =
    layer !== undefined && layer.index > 1
      ? renderTemplate(context.config.prompts.layer ?? LAYER_TEMPLATE, {
          prompt: context.prompt,
          responses: formatResponses(layer.previous),
          layer: String(layer.index)
        })
      : previous === undefined
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
  previous: PreviousRound | undefined,
  layer: Layer | undefined
): Effect.Effect<MemberResponse> =>
  Effect.gen(function* () {
    const request = memberRequest(context, instance, iteration, previous, layer);
    const provider = yield* providerOf(context.config, instance.config);
    const toResponse = (outcome: CallOutcome): MemberResponse => ({
      member: instance.member,
      instance: instance.instance,
      text: outcome.error === null ? outcome.text : "",
      usage: outcome.usage,
      latencyMs: outcome.latencyMs,
      attempts: outcome.attempts,
      error: outcome.error,
      label: null,
      ...(instance.role === undefined ? {} : { role: instance.role }),
      ...(layer === undefined ? {} : { layer: layer.index })
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

/** Every member instance in play answers; the result is in file order whatever finished first. */
export const askMembers = (
  context: RunContext,
  iteration: number,
  previous: PreviousRound | undefined,
  options: { readonly instances?: ReadonlyArray<MemberInstance>; readonly layer?: Layer } = {}
): Effect.Effect<Array<MemberResponse>> =>
  Effect.forEach(
    options.instances ?? context.instances,
    (instance) => askInstance(context, instance, iteration, previous, options.layer),
    { concurrency: "unbounded" }
  );
