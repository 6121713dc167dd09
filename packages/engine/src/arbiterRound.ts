import type { ModelRef } from "@consortium/config";
import type { LlmRequest } from "@consortium/providers";
import { Effect, Ref } from "effect";
import { type CallOutcome, callModel } from "./callPolicy.js";
import { withHistory } from "./conversation.js";
import { type ParsedArbiterOutput, parseArbiterOutput } from "./parseArbiter.js";
import { arbiterPrompt, type HistoryEntry, type LabelledAnswer, labelAnswers } from "./prompts.js";
import type { ArbiterCall, MemberResponse } from "./result.js";
import { callHooks, callRecordBase, providerOf, type RunContext } from "./runContext.js";
import { iterationSeed } from "./shuffle.js";

// The arbiter's turn: one prompt with every answer, sent to the arbiter and, when it fails after its
// retries, to each fallback in order. An unreadable reply is not a failure (its text is still an
// answer); an error or an empty reply is.

export interface Judgement {
  readonly parsed: ParsedArbiterOutput;
  readonly call: ArbiterCall;
  readonly failures: ReadonlyArray<ArbiterCall>;
  readonly answers: ReadonlyArray<LabelledAnswer>;
  readonly shuffleSeed: number;
}

export type ArbiterRound =
  | { readonly _tag: "Judged"; readonly judgement: Judgement }
  | { readonly _tag: "AllFailed"; readonly failures: ReadonlyArray<ArbiterCall> };

const toArbiterCall = (ref: ModelRef, outcome: CallOutcome): ArbiterCall => ({
  model: `${ref.provider}/${ref.model}`,
  raw: outcome.text,
  usage: outcome.usage,
  latencyMs: outcome.latencyMs,
  attempts: outcome.attempts,
  error: outcome.error
});

export const arbitrate = (
  context: RunContext,
  iteration: number,
  answered: ReadonlyArray<MemberResponse>
): Effect.Effect<ArbiterRound> =>
  Effect.gen(function* () {
    const { config } = context;
    const shuffleSeed = iterationSeed(context.seed, iteration);
    const answers = labelAnswers(answered, { anonymize: config.anonymize, seed: shuffleSeed });
    const history: Array<HistoryEntry> = (yield* Ref.get(context.progress)).iterations.map((round) => ({
      index: round.index,
      text: round.synthesis.text,
      confidence: round.synthesis.confidence,
      refinementAreas: round.synthesis.refinementAreas
    }));
    const content = arbiterPrompt(context.templates, {
      prompt: context.prompt,
      system: config.system,
      iteration,
      answers,
      history
    });

    // What the members wrote: text the arbiter quotes from it is never read as its verdict.
    const parseOptions = { quoted: answers.map((answer) => answer.text) };
    const candidates: ReadonlyArray<ModelRef> = [config.arbiter, ...config.arbiter.fallbacks];
    const failures: Array<ArbiterCall> = [];
    for (const [instance, ref] of candidates.entries()) {
      const provider = yield* providerOf(config, ref);
      // Fallbacks inherit the arbiter's parameters: they stand in for it, with the same instructions.
      const request: LlmRequest = {
        provider: ref.provider,
        model: ref.model,
        temperature: config.arbiter.temperature,
        maxTokens: config.arbiter.maxTokens,
        topP: config.arbiter.topP,
        system: config.arbiter.system,
        messages: withHistory(context.history, content)
      };
      const hooks = callHooks(
        context,
        { iteration, role: "arbiter", label: `${ref.provider}/${ref.model}` },
        (outcome) =>
          Effect.zipRight(
            context.log.callEnded({
              ...callRecordBase(context, request, outcome),
              iteration,
              role: "arbiter",
              instance,
              parsed: outcome.error === null ? parseArbiterOutput(outcome.text, parseOptions).synthesis : null
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
      const outcome = yield* callModel(context.client, provider, request, config.limits, context.gates, hooks);
      const call = toArbiterCall(ref, outcome);
      if (outcome.error === null) {
        return {
          _tag: "Judged",
          judgement: { parsed: parseArbiterOutput(outcome.text, parseOptions), call, failures, answers, shuffleSeed }
        } as const;
      }
      failures.push(call);
    }
    return { _tag: "AllFailed", failures } as const;
  });
