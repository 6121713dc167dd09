import type { ModelRef } from "@consortium/config";
import type { LlmRequest } from "@consortium/providers";
import { Effect, Ref } from "effect";
import { type CallHooks, type CallOutcome, callModel } from "./callPolicy.js";
import { withHistory } from "./conversation.js";
import type { ArbiterCall } from "./result.js";
import { callHooks, callRecordBase, providerOf, type RunContext } from "./runContext.js";

// The arbiter's turn: one prompt sent to the arbiter and, when it fails after its retries, to each
// fallback in order. An unreadable reply is not a failure (its text is still an answer); an error or an
// empty reply is. Every judging method that asks the arbiter goes through here.

export type ArbiterRound<P> =
  | {
      readonly _tag: "Answered";
      /** The reply as the method's reader understood it (read once, also what the run log keeps). */
      readonly read: P;
      readonly call: ArbiterCall;
      readonly failures: ReadonlyArray<ArbiterCall>;
    }
  | { readonly _tag: "AllFailed"; readonly failures: ReadonlyArray<ArbiterCall> };

/** The hooks with the reply's text streamed to the run's answer, when this round's may go out live. */
const streamingHooks = (
  context: RunContext,
  iteration: number,
  hooks: CallHooks,
  live: ((reply: string) => string) | undefined
): CallHooks => {
  const answer = context.answer;
  if (answer === undefined || live === undefined || iteration < context.config.maxIterations) return hooks;
  let reply = "";
  return {
    ...hooks,
    // Each attempt writes its reply from the start; the answer stream sends only what extends what
    // an earlier attempt already sent.
    onAttempt: (attempt) =>
      Effect.zipRight(
        Effect.sync(() => {
          reply = "";
        }),
        hooks.onAttempt(attempt)
      ),
    onText: (delta) => {
      reply += delta;
      answer.offer(iteration, live(reply));
    }
  };
};

const toArbiterCall = (ref: ModelRef, outcome: CallOutcome): ArbiterCall => ({
  model: `${ref.provider}/${ref.model}`,
  raw: outcome.text,
  usage: outcome.usage,
  latencyMs: outcome.latencyMs,
  attempts: outcome.attempts,
  error: outcome.error
});

/**
 * Asks the arbiter (then its fallbacks) `content`. `read` turns a reply into what the method needs;
 * `recorded` picks from that what the run log keeps as the call's parsed fields. `live`, for a method
 * whose answer is the arbiter's own synthesis, reads the certain start of it from a reply still being
 * written (liveSynthesisReader): in the run's last allowed round, when the run streams its answer, the
 * call streams and that text goes out as it grows. Earlier rounds never stream: whether another round
 * follows is known only from the whole reply (its last verdict tags), so their text waits for the decision.
 */
export const askArbiter = <P>(
  context: RunContext,
  iteration: number,
  content: string,
  read: (text: string) => P,
  recorded: (read: P) => unknown,
  live?: (reply: string) => string
): Effect.Effect<ArbiterRound<P>> =>
  Effect.gen(function* () {
    const { config } = context;
    const arbiter = config.arbiter;
    // validation gives every method that asks an arbiter one; only vote may go without, and never asks
    if (arbiter === undefined) return yield* Effect.dieMessage("askArbiter: the consortium has no arbiter");
    const candidates: ReadonlyArray<ModelRef> = [arbiter, ...arbiter.fallbacks];
    // A candidate that failed after its retries earlier in the run is passed over while another is
    // not known to be down; when all are, each is asked again, in order.
    const down = context.arbitersDown;
    const skipped = candidates.every((_, instance) => down.has(instance)) ? new Set<number>() : down;
    const failures: Array<ArbiterCall> = [];
    for (const [instance, ref] of candidates.entries()) {
      if (skipped.has(instance)) continue;
      const provider = yield* providerOf(config, ref);
      // Fallbacks inherit the arbiter's parameters: they stand in for it, with the same instructions.
      const request: LlmRequest = {
        provider: ref.provider,
        model: ref.model,
        temperature: arbiter.temperature,
        maxTokens: arbiter.maxTokens,
        topP: arbiter.topP,
        system: arbiter.system,
        messages: withHistory(context.history, content)
      };
      let reading: { readonly value: P } | undefined;
      const readOnce = (text: string): P => {
        reading ??= { value: read(text) };
        return reading.value;
      };
      const called = callHooks(
        context,
        { iteration, role: "arbiter", label: `${ref.provider}/${ref.model}` },
        (outcome) =>
          Effect.zipRight(
            context.log.callEnded({
              ...callRecordBase(context, request, outcome),
              iteration,
              role: "arbiter",
              instance,
              parsed: outcome.error === null ? recorded(readOnce(outcome.text)) : null
            }),
            outcome.error === null
              ? Effect.void
              : Ref.update(context.progress, (progress) =>
                  progress.unfinished === null
                    ? progress
                    : {
                        ...progress,
                        unfinished: {
                          ...progress.unfinished,
                          arbiterFailures: [...progress.unfinished.arbiterFailures, toArbiterCall(ref, outcome)]
                        }
                      }
                )
          )
      );
      const hooks = streamingHooks(context, iteration, called, live);
      const outcome = yield* callModel(context.client, provider, request, config.limits, context.gates, hooks, {
        role: "arbiter",
        instance,
        iteration
      });
      const call = toArbiterCall(ref, outcome);
      if (outcome.error === null) {
        down.delete(instance);
        return { _tag: "Answered", read: readOnce(outcome.text), call, failures } as const;
      }
      // An interrupted call says nothing of the model: the run is ending.
      if (outcome.error.type !== "Interrupted") down.add(instance);
      failures.push(call);
    }
    return { _tag: "AllFailed", failures } as const;
  });
