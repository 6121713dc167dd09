import { splitRegexLiteral, type VoteConfig } from "@consortium/config";
import { Effect } from "effect";
import { askArbiter } from "../arbiterRound.js";
import { arbiterPrompt } from "../prompts.js";
import type { ArbiterCall, MemberResponse, VoteGroup } from "../result.js";
import { iterationSeed } from "../shuffle.js";
import type { JudgingMethod } from "./JudgingMethod.js";
import { parseRanking } from "./parseRanking.js";
import { issueLine, roundHistory } from "./roundInput.js";
import { SELECT_TEMPLATE } from "./templates.js";

// `vote` (self-consistency): no model judges when one answer wins. Answers are normalised (or reduced
// to vote.extract's capture), the most frequent wins and its share of the answers is the confidence.
// A tie goes to the arbiter, shown one answer per tied group to rank; if it cannot decide, or the
// consortium has none, the group that answered first in member order wins.

/** Trimmed, case-folded, inner white space squashed, trailing punctuation dropped. */
export const normaliseVote = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[\s.!?,;:。]+$/u, "");

/** The vote an answer casts, or undefined when vote.extract finds nothing in it. */
export const voteOf = (text: string, vote: VoteConfig | undefined): string | undefined => {
  if (vote?.extract === undefined) return normaliseVote(text);
  const { pattern, flags } = splitRegexLiteral(vote.extract);
  const match = new RegExp(pattern, flags.replace("g", "")).exec(text);
  if (match === null) return undefined;
  return normaliseVote(match[1] ?? match[0]);
};

/** Answers grouped by vote, most votes first, ties in member order of their first answer. */
export const tally = (answers: ReadonlyArray<MemberResponse>, vote: VoteConfig | undefined): Array<VoteGroup> => {
  const groups: Array<{ vote: string; members: Array<{ member: string; instance: number }> }> = [];
  for (const answer of answers) {
    const cast = voteOf(answer.text, vote);
    if (cast === undefined) continue;
    const group = groups.find((candidate) => candidate.vote === cast);
    const who = { member: answer.member, instance: answer.instance };
    if (group === undefined) groups.push({ vote: cast, members: [who] });
    else group.members.push(who);
  }
  return groups
    .map((group) => ({ vote: group.vote, count: group.members.length, members: group.members }))
    .sort((a, b) => b.count - a.count);
};

const firstAnswerOf = (group: VoteGroup, answers: ReadonlyArray<MemberResponse>): MemberResponse | undefined => {
  const first = group.members[0];
  return answers.find((answer) => answer.member === first?.member && answer.instance === first?.instance);
};

export const vote: JudgingMethod = (context, { iteration, answers: answered, labelled: answers }) =>
  Effect.gen(function* () {
    const { config } = context;
    const shuffleSeed = iterationSeed(context.seed, iteration);
    const votes = tally(answered, config.vote);
    const top = votes[0];
    const tied = top === undefined ? [] : votes.filter((group) => group.count === top.count);
    const issues: Array<string> = [];
    let winner = tied[0];
    let arbiter: ArbiterCall | null = null;
    let arbiterFailures: ReadonlyArray<ArbiterCall> = [];
    // Without an arbiter a tie goes to the group that answered first in member order (tally keeps it first).
    if (tied.length > 1 && config.arbiter !== undefined) {
      // The arbiter ranks one answer per tied group, labelled as the members' answers were.
      const candidates = answers.filter((answer) =>
        tied.some(
          (group) => group.members[0]?.member === answer.member && group.members[0]?.instance === answer.instance
        )
      );
      const content = arbiterPrompt(
        { ...context.templates, arbiter: config.prompts.arbiter ?? SELECT_TEMPLATE },
        {
          prompt: context.prompt,
          system: config.system,
          iteration,
          answers: candidates,
          history: yield* roundHistory(context)
        }
      );
      const labels = candidates.map((answer) => answer.label);
      const round = yield* askArbiter(
        context,
        iteration,
        content,
        (raw) =>
          parseRanking(
            raw,
            labels,
            candidates.map((answer) => answer.text)
          ),
        (ranking) => ({ ranking: ranking.labels })
      );
      arbiterFailures = round.failures;
      if (round._tag === "Answered") {
        arbiter = round.call;
        const chosen = candidates.find((answer) => answer.label === round.read.labels[0]);
        const group = tied.find(
          (candidate) =>
            candidate.members[0]?.member === chosen?.member && candidate.members[0]?.instance === chosen?.instance
        );
        if (group === undefined) issues.push(...issueLine(iteration, round.call.model, round.read.issues));
        else winner = group;
      } else {
        issues.push(
          `iteration ${iteration}: the arbiter could not break the tie; the first answer in member order wins`
        );
      }
    }
    const best = winner === undefined ? undefined : firstAnswerOf(winner, answered);
    const share = winner === undefined ? 0 : winner.count / answered.length;
    if (best === undefined) issues.push(`iteration ${iteration}: no answer matched vote.extract`);
    return {
      _tag: "Judged",
      verdict: {
        synthesis: {
          text: best?.text ?? answered[0]?.text ?? "",
          confidence: share,
          analysis:
            winner === undefined
              ? ""
              : `${winner.count} of ${answered.length} answers agree${tied.length <= 1 ? "" : config.arbiter === undefined ? " (tie: first in member order)" : " (tie broken)"}`,
          dissent: votes
            .filter((group) => group !== winner)
            .map((group) => `${group.count}× ${group.vote.slice(0, 80)}`)
            .join("; "),
          needsIteration: false,
          refinementAreas: [],
          parsed: best !== undefined
        },
        answers,
        parseIssues: issues,
        record: { arbiter, arbiterFailures, shuffleSeed, votes }
      }
    } as const;
  });
