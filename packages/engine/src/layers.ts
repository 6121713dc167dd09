import { Effect, Ref } from "effect";
import { askMembers } from "./memberRound.js";
import { answered } from "./outcome.js";
import { labelAnswers, type PreviousRound } from "./prompts.js";
import type { MemberResponse } from "./result.js";
import type { MemberInstance, RunContext } from "./runContext.js";
import { iterationSeed } from "./shuffle.js";

// A round's answers. With `layers: N` (Mixture-of-Agents) the members answer N times, each layer from
// the second on seeing the previous layer's answers, anonymised; the judge sees the last layer. Each
// layer needs its quorum: the next one builds on it.

export type RoundAnswers =
  | {
      readonly _tag: "Answered";
      /** Every layer's responses, in layer then file order. */
      readonly all: ReadonlyArray<MemberResponse>;
      /** The last layer's usable answers: what the judge sees. */
      readonly usable: ReadonlyArray<MemberResponse>;
    }
  | { readonly _tag: "NoQuorum"; readonly all: ReadonlyArray<MemberResponse> };

export const answerRound = (
  context: RunContext,
  iteration: number,
  previous: PreviousRound | undefined,
  instances: ReadonlyArray<MemberInstance>
): Effect.Effect<RoundAnswers> =>
  Effect.gen(function* () {
    const { config } = context;
    const layers = config.layers ?? 1;
    const all: Array<MemberResponse> = [];
    let shown: ReturnType<typeof labelAnswers> = [];
    let usable: Array<MemberResponse> = [];
    for (let index = 1; index <= layers; index++) {
      const layer = layers === 1 ? undefined : { index, previous: shown };
      const responses = yield* askMembers(context, iteration, previous, { instances, ...(layer && { layer }) });
      all.push(...responses);
      yield* Ref.update(context.progress, (p) => ({
        ...p,
        unfinished: { index: iteration, responses: [...all], arbiterFailures: [] }
      }));
      usable = responses.filter(answered);
      if (usable.length < config.limits.quorum) return { _tag: "NoQuorum", all } as const;
      // Its own shuffle per layer, apart from the judge's, so no slot keeps a model across layers.
      shown = labelAnswers(usable, {
        anonymize: config.anonymize,
        seed: iterationSeed(context.seed, iteration * 1000 + index)
      });
    }
    return { _tag: "Answered", all, usable } as const;
  });
