import { Effect, Ref } from "effect";
import { type CallOutcome, callModel } from "./callPolicy.js";
import type { CallSite } from "./callSite.js";
import { type Layer, memberRequest } from "./memberRequest.js";
import { askNested } from "./nestedMember.js";
import type { PreviousRound } from "./prompts.js";
import type { MemberResponse } from "./result.js";
import { callHooks, callRecordBase, type MemberInstance, providerOf, type RunContext } from "./runContext.js";

// One round of member calls: every instance at once (the gates do the limiting), each recorded the
// moment it ends, failures kept as data next to their member.

const askInstance = (
  context: RunContext,
  instance: MemberInstance,
  iteration: number,
  previous: PreviousRound | undefined,
  layer: Layer | undefined
): Effect.Effect<MemberResponse> =>
  // Not a generator: this runs once per member call, and each yield is Effect steps of its own.
  Effect.flatMap(providerOf(context.config, instance.config), (provider) => {
    const request = memberRequest(context, instance, iteration, previous, layer);
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
            parsed: null,
            ...(layer === undefined ? {} : { layer: layer.index })
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
    const site: CallSite = {
      role: "member",
      instance: instance.instance,
      iteration,
      ...(layer === undefined ? {} : { layer: layer.index })
    };
    return Effect.map(
      callModel(context.client, provider, request, context.config.limits, context.gates, hooks, site),
      toResponse
    );
  });

/**
 * Every member instance in play answers; the result is in file order whatever finished first. A client
 * answering from memory is asked one instance after another: nothing waits, so a fiber per instance
 * would only add work (the same calls, answers and records, in the same order).
 */
export const askMembers = (
  context: RunContext,
  iteration: number,
  previous: PreviousRound | undefined,
  options: { readonly instances?: ReadonlyArray<MemberInstance>; readonly layer?: Layer } = {}
): Effect.Effect<Array<MemberResponse>> =>
  Effect.forEach(
    options.instances ?? context.instances,
    (instance) =>
      instance.config.consortium === undefined
        ? askInstance(context, instance, iteration, previous, options.layer)
        : askNested(context, instance, iteration, previous, options.layer),
    { concurrency: context.client.answers === "local" ? undefined : "unbounded" }
  );
