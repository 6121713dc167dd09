import type { LlmRequest } from "@consortium/providers";
import { Effect } from "effect";
import { askArbiter } from "../arbiterRound.js";
import { callModel } from "../callPolicy.js";
import { liveSynthesisReader } from "../liveSynthesis.js";
import { describeError } from "../outcome.js";
import { parseArbiterOutput } from "../parseArbiter.js";
import { arbiterPrompt, formatResponses, type LabelledAnswer } from "../prompts.js";
import { renderTemplate } from "../render.js";
import type { AggregateRank, Review } from "../result.js";
import { callHooks, callRecordBase, type MemberInstance, providerOf, type RunContext } from "../runContext.js";
import { iterationSeed } from "../shuffle.js";
import { bordaCount } from "./borda.js";
import type { JudgingMethod } from "./JudgingMethod.js";
import { parseRanking } from "./parseRanking.js";
import { issueLine, roundHistory } from "./roundInput.js";
import { PEER_REVIEW_ARBITER_TEMPLATE, REVIEW_TEMPLATE } from "./templates.js";

// `peer-review`: every member instance that answered ranks the round's anonymised answers (its own
// among them, unknown to it); a Borda count combines the rankings; then the arbiter synthesises with
// the answers and that aggregate in view. A review that fails or names no answer is left out, and the
// round needs a quorum of reviews as it needs one of answers.

const review = (
  context: RunContext,
  iteration: number,
  instance: MemberInstance,
  answers: ReadonlyArray<LabelledAnswer>
): Effect.Effect<Review> =>
  Effect.gen(function* () {
    const { config: member } = instance;
    const content = renderTemplate(context.config.prompts.review ?? REVIEW_TEMPLATE, {
      prompt: context.prompt,
      responses: formatResponses(answers)
    });
    const request: LlmRequest = {
      provider: member.provider,
      model: member.model,
      temperature: member.temperature,
      maxTokens: member.maxTokens,
      topP: member.topP,
      system: undefined,
      messages: [{ role: "user", content }]
    };
    const labels = answers.map((answer) => answer.label);
    const quoted = answers.map((answer) => answer.text);
    const hooks = callHooks(
      context,
      { iteration, role: "reviewer", label: `${instance.member}#${instance.instance}` },
      (outcome) =>
        context.log.callEnded({
          ...callRecordBase(context, request, outcome),
          iteration,
          role: "reviewer",
          instance: instance.instance,
          parsed: outcome.error === null ? { ranking: parseRanking(outcome.text, labels, quoted).labels } : null
        })
    );
    const provider = yield* providerOf(context.config, member);
    const outcome = yield* callModel(context.client, provider, request, context.config.limits, context.gates, hooks, {
      role: "reviewer",
      instance: instance.instance,
      iteration
    });
    return {
      member: instance.member,
      instance: instance.instance,
      ranking: outcome.error === null ? parseRanking(outcome.text, labels, quoted).labels : [],
      raw: outcome.text,
      usage: outcome.usage,
      latencyMs: outcome.latencyMs,
      attempts: outcome.attempts,
      error: outcome.error
    };
  });

/** The aggregate as the arbiter's prompt shows it: one line per answer, best first. */
export const formatAggregate = (ranking: ReadonlyArray<AggregateRank>): string =>
  ranking
    .map(
      (place, i) =>
        `${i + 1}. ${place.label}: ${place.points} points` +
        (place.averageRank === null ? ", ranked by no reviewer" : `, mean place ${place.averageRank.toFixed(2)}`)
    )
    .join("\n");

export const peerReview: JudgingMethod = (context, { iteration, answers: answered, labelled: answers }) =>
  Effect.gen(function* () {
    const { config } = context;
    const shuffleSeed = iterationSeed(context.seed, iteration);
    // An included consortium answers but does not review: it is no single model to ask.
    const reviewers = context.instances.filter(
      (instance) =>
        instance.config.consortium === undefined &&
        answered.some((answer) => answer.member === instance.member && answer.instance === instance.instance)
    );
    const reviews = yield* Effect.forEach(reviewers, (instance) => review(context, iteration, instance, answers), {
      concurrency: "unbounded"
    });
    const counted = reviews.filter((one) => one.ranking.length > 0);
    const failures = reviews
      .filter((one) => one.ranking.length === 0)
      .map(
        (one) =>
          `${one.member}#${one.instance}: ${one.error === null ? "no readable ranking" : describeError(one.error, one.member)}`
      );
    if (counted.length < config.limits.quorum) {
      return { _tag: "NoReviewQuorum", reviewed: counted.length, failures } as const;
    }

    const ranking: Array<AggregateRank> = bordaCount(
      answers.map((answer) => answer.label),
      counted.map((one) => one.ranking)
    ).flatMap((place) => {
      const answer = answers.find((candidate) => candidate.label === place.label);
      return answer === undefined ? [] : [{ ...place, member: answer.member, instance: answer.instance }];
    });
    // The aggregate goes in first: it holds only labels and numbers, so the answers filled in after
    // it are never scanned for placeholders.
    const template = renderTemplate(config.prompts.arbiter ?? PEER_REVIEW_ARBITER_TEMPLATE, {
      ranking: formatAggregate(ranking)
    });
    const content = arbiterPrompt(
      { ...context.templates, arbiter: template },
      { prompt: context.prompt, system: config.system, iteration, answers, history: yield* roundHistory(context) }
    );
    const round = yield* askArbiter(
      context,
      iteration,
      content,
      parseArbiterOutput,
      (parsed) => parsed.synthesis,
      liveSynthesisReader()
    );
    if (round._tag === "AllFailed") return round;
    const { read: parsed, call } = round;
    return {
      _tag: "Judged",
      verdict: {
        synthesis: parsed.synthesis,
        answers,
        parseIssues: [
          ...failures.map((failure) => `iteration ${iteration}: review left out: ${failure}`),
          ...issueLine(iteration, call.model, parsed.issues)
        ],
        record: { arbiter: call, arbiterFailures: round.failures, shuffleSeed, ranking, reviews }
      }
    } as const;
  });
