import type { ModelRef } from "@consortium/config";
import { addCost } from "@consortium/engine";
import type { LlmResponse } from "@consortium/providers";
import { Effect } from "effect";
import { addTokens, NO_TOKENS } from "../report/tokens.js";
import type { TokenUsage } from "../report/types.js";
import { JUDGE_SYSTEM, judgeMessages, parseVerdict } from "./rubric.js";
import { type AssertionResult, type CompiledAssertion, type Observation, toResult, undecided } from "./types.js";

/**
 * Asks a judge model one question through the same LlmClient and call policy as the targets, so judge
 * calls are retried, time-boxed, recorded in a cassette and replayed like any other. Fails with a
 * one-line reason.
 */
export type Judge<R> = (
  judge: ModelRef,
  request: { readonly system: string; readonly messages: ReturnType<typeof judgeMessages> }
) => Effect.Effect<JudgeReply, string, R>;

/** The judge's answer and, when known, what the call cost (absent or null: the judge's model has no price). */
export type JudgeReply = LlmResponse & { readonly costUsd?: number | null };

export interface Judged {
  readonly results: ReadonlyArray<AssertionResult>;
  readonly judgeUsage: TokenUsage;
  /** What the priced judge calls cost together; null when none was priced. */
  readonly judgeCostUsd: number | null;
  /** False when a judge call used tokens at no known price: judgeCostUsd is then a lower bound. */
  readonly judgeCostComplete: boolean;
}

const costOfReply = (reply: JudgeReply): number | null =>
  reply.usage.inputTokens === 0 && reply.usage.outputTokens === 0 ? 0 : (reply.costUsd ?? null);

export const evaluateAssertions = <R>(
  assertions: ReadonlyArray<CompiledAssertion>,
  observation: Observation,
  context: { readonly prompt: string; readonly judge: Judge<R> }
): Effect.Effect<Judged, never, R> =>
  Effect.gen(function* () {
    const results: Array<AssertionResult> = [];
    let judgeUsage = NO_TOKENS;
    let judgeCostUsd: number | null = 0;
    let judgeCostComplete = true;
    // One at a time, in the order written: judge calls then start in a fixed order, which keeps the
    // cassette's occurrence numbers stable between a recording and its replay.
    for (const assertion of assertions) {
      if (assertion.kind === "check") {
        results.push(toResult(assertion, assertion.check(observation)));
        continue;
      }
      const messages = judgeMessages({ prompt: context.prompt, rubric: assertion.rubric, output: observation.output });
      const outcome = yield* context.judge(assertion.judge, { system: JUDGE_SYSTEM, messages }).pipe(
        Effect.map((response) => {
          judgeUsage = addTokens(judgeUsage, response.usage);
          const cost = costOfReply(response);
          judgeCostUsd = addCost(judgeCostUsd, cost);
          judgeCostComplete &&= cost !== null;
          return parseVerdict(response.text);
        }),
        Effect.catchAll((reason) =>
          Effect.succeed(undecided(`judge ${assertion.judge.provider}/${assertion.judge.model} failed: ${reason}`))
        )
      );
      results.push(toResult(assertion, outcome));
    }
    return { results, judgeUsage, judgeCostUsd, judgeCostComplete };
  });
