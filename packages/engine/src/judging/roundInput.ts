import { Effect, Ref } from "effect";
import type { HistoryEntry, LabelledAnswer } from "../prompts.js";
import type { RankedAnswer } from "../result.js";
import type { RunContext } from "../runContext.js";

// Pieces every judging method builds the same way.

/** The earlier rounds' answers, oldest first, as the arbiter's prompt shows them. */
export const roundHistory = (context: RunContext): Effect.Effect<Array<HistoryEntry>> =>
  Effect.map(Ref.get(context.progress), (progress) =>
    progress.iterations.map((round) => ({
      index: round.index,
      text: round.synthesis.text,
      confidence: round.synthesis.confidence,
      refinementAreas: round.synthesis.refinementAreas
    }))
  );

/** Labels best first, with the member behind each. */
export const rankedAnswers = (
  labels: ReadonlyArray<string>,
  answers: ReadonlyArray<LabelledAnswer>
): Array<RankedAnswer> =>
  labels.flatMap((label) => {
    const answer = answers.find((candidate) => candidate.label === label);
    return answer === undefined ? [] : [{ label, member: answer.member, instance: answer.instance }];
  });

/** One warning line for what a judge's reply could not be read. */
export const issueLine = (iteration: number, model: string, issues: ReadonlyArray<string>): Array<string> =>
  issues.length === 0 ? [] : [`iteration ${iteration}: arbiter output from ${model}: ${issues.join(", ")}`];
