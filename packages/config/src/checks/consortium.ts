import * as Either from "effect/Either";
import { DEFAULT_MAX_INSTANCES, DEFAULT_MAX_ITERATIONS, DEFAULT_QUORUM } from "../defaults.js";
import { parseDuration } from "../duration.js";
import { hasCount, parseModelRef } from "../modelRef.js";
import type { Problem } from "../problem.js";
import { budgetProblems } from "./budget.js";
import { asArray, asRecord, isPositiveInteger, isRecord } from "./data.js";
import { knownProviders, modelRefProblem } from "./modelRefs.js";
import { providerProblems } from "./providers.js";
import { strategyProblems } from "./strategy.js";
import { templateProblems } from "./templates.js";
import { voteProblems } from "./vote.js";

// What the schema cannot say about a consortium file. Runs on any data (even data the schema
// rejected) so that every problem of a file is reported in one go.

const semantic = (path: Problem["path"], message: string, at?: Problem["at"]): Problem => ({
  path,
  message,
  source: "semantic",
  ...(at === undefined ? {} : { at })
});

/** Member instances, or undefined when some member is not yet valid (then quorum is not checked). */
const memberProblems = (members: unknown, known: ReadonlySet<string>, out: Array<Problem>): number | undefined => {
  let instances: number | undefined = asArray(members).length === 0 ? undefined : 0;
  asArray(members).forEach((member, index) => {
    if (isRecord(member) && member.consortium !== undefined) {
      // an included consortium: its own file is checked when it is loaded
      const count = member.count ?? 1;
      instances = isPositiveInteger(count) && instances !== undefined ? instances + count : undefined;
      return;
    }
    const long = isRecord(member);
    const text = long ? member.model : member;
    const path = long ? ["members", index, "model"] : ["members", index];
    const problem = modelRefProblem(text, path, known, { countAllowed: true, what: "a member" });
    if (problem !== undefined) out.push(problem);
    if (long && typeof text === "string" && hasCount(text) && member.count !== undefined) {
      out.push(
        semantic(["members", index, "count"], "repeats the instance count already given after ':' in model: give one")
      );
    }
    const parsed = typeof text === "string" ? parseModelRef(text) : undefined;
    const count =
      long && member.count !== undefined ? member.count : parsed && Either.isRight(parsed) ? parsed.right.count : 0;
    instances =
      problem === undefined && isPositiveInteger(count) && instances !== undefined ? instances + count : undefined;
  });
  return instances;
};

const arbiterProblems = (arbiter: unknown, known: ReadonlySet<string>): Array<Problem> => {
  const long = isRecord(arbiter);
  const main = modelRefProblem(long ? arbiter.model : arbiter, long ? ["arbiter", "model"] : ["arbiter"], known, {
    countAllowed: false,
    what: "the arbiter"
  });
  const fallbacks = long
    ? asArray(arbiter.fallbacks).map((fallback, index) =>
        modelRefProblem(fallback, ["arbiter", "fallbacks", index], known, { countAllowed: false, what: "a fallback" })
      )
    : [];
  return [main, ...fallbacks].filter((problem) => problem !== undefined);
};

const limitProblems = (limits: unknown, instances: number | undefined): Array<Problem> => {
  const record = asRecord(limits);
  const problems: Array<Problem> = [];
  for (const key of ["timeout", "run_timeout"]) {
    const value = record[key];
    if (typeof value !== "string" && typeof value !== "number") continue;
    const parsed = parseDuration(value);
    if (Either.isRight(parsed) && parsed.right === 0) problems.push(semantic(["limits", key], "must be more than 0"));
  }
  const most = record.max_instances ?? DEFAULT_MAX_INSTANCES;
  if (instances !== undefined && isPositiveInteger(most) && instances > most) {
    problems.push(
      semantic(
        ["members"],
        `add up to ${instances} instances, more than limits.max_instances (${most}): raise it to run that many`
      )
    );
  }
  const quorum = record.quorum ?? DEFAULT_QUORUM;
  if (instances !== undefined && isPositiveInteger(quorum) && quorum > instances) {
    problems.push(
      semantic(
        record.quorum === undefined ? ["limits"] : ["limits", "quorum"],
        `asks for ${quorum} answers but the members have only ${instances} instance${instances === 1 ? "" : "s"}`
      )
    );
  }
  return problems;
};

export const consortiumProblems = (data: unknown): Array<Problem> => {
  if (!isRecord(data)) return [];
  const known = knownProviders(data.providers);
  const problems: Array<Problem> = [...providerProblems(data.providers, ["providers"])];
  const instances = memberProblems(data.members, known, problems);
  problems.push(...arbiterProblems(data.arbiter, known));

  // min defaults to 1, the smallest max allowed, so only an explicit min can exceed max
  const min = data.min_iterations;
  const max = data.max_iterations ?? DEFAULT_MAX_ITERATIONS;
  if (isPositiveInteger(min) && isPositiveInteger(max) && min > max) {
    const defaulted = data.max_iterations === undefined ? ", the default" : "";
    problems.push(semantic(["min_iterations"], `(${min}) must not exceed max_iterations (${max}${defaulted})`));
  }
  problems.push(...templateProblems(data.prompts, data.judging));
  problems.push(...voteProblems(data.vote));
  problems.push(...strategyProblems(data.strategy, data.judging, data.limits));
  problems.push(...limitProblems(data.limits, instances));
  problems.push(...budgetProblems(data));
  return problems;
};
