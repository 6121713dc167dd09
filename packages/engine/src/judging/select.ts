import { Effect } from "effect";
import { askArbiter } from "../arbiterRound.js";
import { parseArbiterOutput } from "../parseArbiter.js";
import { arbiterPrompt, type LabelledAnswer } from "../prompts.js";
import type { Synthesis } from "../result.js";
import { iterationSeed } from "../shuffle.js";
import type { JudgingMethod } from "./JudgingMethod.js";
import { parseJudgeFields, parseRanking } from "./parseRanking.js";
import { issueLine, rankedAnswers, roundHistory } from "./roundInput.js";
import { SELECT_TEMPLATE } from "./templates.js";

// `select`: the arbiter ranks the anonymised answers and the best one is the round's answer, word for
// word (a blend can break what each answer got right, as in code). An unreadable ranking falls back
// to a synthesis the arbiter wrote, else to its raw text, unparsed, as for synthesis.

export interface Selection {
  readonly synthesis: Synthesis;
  /** Labels best first; empty when the ranking could not be read. */
  readonly ranking: ReadonlyArray<string>;
  readonly issues: ReadonlyArray<string>;
}

export const readSelection = (raw: string, answers: ReadonlyArray<LabelledAnswer>): Selection => {
  const quoted = answers.map((answer) => answer.text);
  const ranking = parseRanking(
    raw,
    answers.map((answer) => answer.label),
    quoted
  );
  const best = answers.find((answer) => answer.label === ranking.labels[0]);
  if (best === undefined) {
    const fallback = parseArbiterOutput(raw, { quoted });
    return {
      synthesis: fallback.synthesis,
      ranking: [],
      issues: [...ranking.issues, ...(fallback.synthesis.parsed ? ["used its <synthesis> instead"] : [])]
    };
  }
  const fields = parseJudgeFields(raw, quoted);
  return {
    synthesis: {
      text: best.text,
      confidence: fields.confidence,
      analysis: fields.analysis,
      dissent: "",
      needsIteration: fields.needsIteration,
      refinementAreas: fields.refinementAreas,
      parsed: true
    },
    ranking: ranking.labels,
    issues: [...ranking.issues, ...fields.issues]
  };
};

export const select: JudgingMethod = (context, { iteration, labelled: answers }) =>
  Effect.gen(function* () {
    const { config } = context;
    const shuffleSeed = iterationSeed(context.seed, iteration);
    const content = arbiterPrompt(
      { ...context.templates, arbiter: config.prompts.arbiter ?? SELECT_TEMPLATE },
      { prompt: context.prompt, system: config.system, iteration, answers, history: yield* roundHistory(context) }
    );
    const round = yield* askArbiter(
      context,
      iteration,
      content,
      (raw) => readSelection(raw, answers),
      (read) => ({ ...read.synthesis, ranking: read.ranking })
    );
    if (round._tag === "AllFailed") return round;
    const { read, call, failures } = round;
    return {
      _tag: "Judged",
      verdict: {
        synthesis: read.synthesis,
        answers,
        parseIssues: issueLine(iteration, call.model, read.issues),
        record: {
          arbiter: call,
          arbiterFailures: failures,
          shuffleSeed,
          ranking: rankedAnswers(read.ranking, answers)
        }
      }
    } as const;
  });
