import * as Either from "effect/Either";
import {
  DEFAULT_ANONYMIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_KEEP_AT_LEAST,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MIN_ITERATIONS,
  DEFAULT_QUORUM,
  DEFAULT_RETRIES,
  DEFAULT_RUN_TIMEOUT_MS,
  DEFAULT_THRESHOLD,
  DEFAULT_TIMEOUT_MS
} from "../defaults.js";
import { parseDuration } from "../duration.js";
import type { RawConsortium } from "../schema/index.js";
import type { ArbiterConfig, ConsortiumConfig, Limits, MemberConfig, ModelParams } from "../types.js";
import { mustParseModelRef, toParams, toProviders } from "./shared.js";

const sameParams = (a: ModelParams, b: ModelParams): boolean =>
  a.temperature === b.temperature && a.maxTokens === b.maxTokens && a.topP === b.topP && a.system === b.system;

/**
 * One entry per distinct model and parameters: the same model listed twice adds up its instances.
 * The same model with different parameters stays two members.
 */
const toMembers = (raw: RawConsortium["members"]): Array<MemberConfig> => {
  const members: Array<MemberConfig> = [];
  for (const entry of raw) {
    if (typeof entry !== "string" && "consortium" in entry) {
      const count = entry.count ?? 1;
      const same = members.findIndex((member) => member.consortium?.ref === entry.consortium);
      if (same >= 0) members[same] = { ...members[same]!, count: members[same]!.count + count };
      else
        members.push({ provider: "consortium", model: entry.consortium, count, consortium: { ref: entry.consortium } });
      continue;
    }
    const long = typeof entry === "string" ? { model: entry } : entry;
    const ref = mustParseModelRef(long.model);
    const params = toParams(long);
    const count = long.count ?? ref.count;
    const same = members.findIndex(
      (member) => member.provider === ref.provider && member.model === ref.model && sameParams(member, params)
    );
    if (same >= 0) {
      members[same] = { ...members[same]!, count: members[same]!.count + count };
    } else {
      members.push({ provider: ref.provider, model: ref.model, ...params, count });
    }
  }
  return members;
};

const toArbiter = (raw: NonNullable<RawConsortium["arbiter"]>): ArbiterConfig => {
  const long = typeof raw === "string" ? { model: raw } : raw;
  const { provider, model } = mustParseModelRef(long.model);
  const fallbacks = (("fallbacks" in long ? long.fallbacks : undefined) ?? []).map((text) => {
    const ref = mustParseModelRef(text);
    return { provider: ref.provider, model: ref.model };
  });
  return { provider, model, ...toParams(long), fallbacks };
};

const ms = (value: string | number | undefined, fallback: number): number =>
  value === undefined ? fallback : Either.getOrElse(parseDuration(value), () => fallback);

const toLimits = (raw: RawConsortium["limits"] = {}): Limits => ({
  concurrency: raw.concurrency ?? DEFAULT_CONCURRENCY,
  timeoutMs: ms(raw.timeout, DEFAULT_TIMEOUT_MS),
  retries: raw.retries ?? DEFAULT_RETRIES,
  quorum: raw.quorum ?? DEFAULT_QUORUM,
  runTimeoutMs: ms(raw.run_timeout, DEFAULT_RUN_TIMEOUT_MS),
  ...(raw.budget_usd === undefined ? {} : { budgetUsd: raw.budget_usd })
});

export const toConsortiumConfig = (raw: RawConsortium, source: string | undefined): ConsortiumConfig => ({
  name: raw.name,
  description: raw.description,
  members: toMembers(raw.members),
  ...(raw.arbiter === undefined ? {} : { arbiter: toArbiter(raw.arbiter) }),
  confidenceThreshold: raw.confidence_threshold ?? DEFAULT_THRESHOLD,
  minIterations: raw.min_iterations ?? DEFAULT_MIN_ITERATIONS,
  maxIterations: raw.max_iterations ?? DEFAULT_MAX_ITERATIONS,
  system: raw.system,
  anonymize: raw.anonymize ?? DEFAULT_ANONYMIZE,
  prompts: {
    member: raw.prompts?.member,
    refine: raw.prompts?.refine,
    arbiter: raw.prompts?.arbiter,
    ...(raw.prompts?.review === undefined ? {} : { review: raw.prompts.review }),
    ...(raw.prompts?.layer === undefined ? {} : { layer: raw.prompts.layer })
  },
  providers: toProviders(raw.providers),
  limits: toLimits(raw.limits),
  ...(raw.judging === undefined ? {} : { judging: raw.judging }),
  ...(raw.vote === undefined ? {} : { vote: { extract: raw.vote.extract } }),
  ...(raw.strategy === undefined
    ? {}
    : {
        strategy: {
          eliminate: raw.strategy.eliminate ?? 0,
          keepAtLeast: raw.strategy.keep_at_least ?? DEFAULT_KEEP_AT_LEAST,
          roles: raw.strategy.roles ?? []
        }
      }),
  ...(raw.layers === undefined ? {} : { layers: raw.layers }),
  source
});
