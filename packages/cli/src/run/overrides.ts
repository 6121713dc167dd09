import {
  type ConsortiumConfig,
  formatModelRef,
  type MemberConfig,
  type ModelRef,
  parseModelRef
} from "@consortium/config";
import * as Either from "effect/Either";

// `run`'s flags that replace parts of the loaded consortium. They get the same checks the file had:
// a flag can break an invariant (min > max, quorum above the instances) that the file kept.

export interface RunOverrides {
  readonly models: ReadonlyArray<string>;
  readonly arbiter: string | undefined;
  readonly confidenceThreshold: number | undefined;
  readonly minIterations: number | undefined;
  readonly maxIterations: number | undefined;
  readonly system: string | undefined;
}

const modelRef = (flag: string, text: string, known: ConsortiumConfig["providers"]) =>
  Either.flatMap(
    Either.mapLeft(parseModelRef(text), (message) => `${flag} ${message}`),
    (ref) =>
      Object.hasOwn(known, ref.provider)
        ? Either.right(ref)
        : Either.left(
            `${flag} ${text}: unknown provider "${ref.provider}" (known: ${Object.keys(known).sort().join(", ")})`
          )
  );

/** Same model named twice adds up, as in a file. */
const mergeMembers = (refs: ReadonlyArray<ModelRef & { readonly count: number }>): Array<MemberConfig> => {
  const byLabel = new Map<string, MemberConfig>();
  for (const ref of refs) {
    const label = formatModelRef(ref);
    const seen = byLabel.get(label);
    byLabel.set(label, { provider: ref.provider, model: ref.model, count: (seen?.count ?? 0) + ref.count });
  }
  return [...byLabel.values()];
};

/** The config with the flags applied, or every problem with them (one line each). */
export const applyOverrides = (
  config: ConsortiumConfig,
  flags: RunOverrides
): Either.Either<ConsortiumConfig, ReadonlyArray<string>> => {
  const problems: Array<string> = [];
  let next: ConsortiumConfig = config;

  if (flags.models.length > 0) {
    const refs = flags.models.map((text) => modelRef("--model", text, config.providers));
    for (const ref of refs) if (Either.isLeft(ref)) problems.push(ref.left);
    next = { ...next, members: mergeMembers(refs.filter(Either.isRight).map((ref) => ref.right)) };
  }
  if (flags.arbiter !== undefined) {
    const ref = modelRef("--arbiter", flags.arbiter, config.providers);
    if (Either.isLeft(ref)) problems.push(ref.left);
    else if (ref.right.count !== 1) problems.push(`--arbiter ${flags.arbiter}: an arbiter takes no instance count`);
    // the file's fallbacks still stand behind an arbiter chosen on the command line
    else next = { ...next, arbiter: { ...next.arbiter, provider: ref.right.provider, model: ref.right.model } };
  }
  if (flags.confidenceThreshold !== undefined) {
    const t = flags.confidenceThreshold;
    if (!(t >= 0 && t <= 1)) problems.push(`--confidence-threshold ${t} must be between 0 and 1 (0.8 means 80%)`);
    else next = { ...next, confidenceThreshold: t };
  }
  for (const [flag, value] of [
    ["--min-iterations", flags.minIterations],
    ["--max-iterations", flags.maxIterations]
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) problems.push(`${flag} ${value} must be >= 1`);
  }
  next = {
    ...next,
    minIterations: flags.minIterations ?? next.minIterations,
    maxIterations: flags.maxIterations ?? next.maxIterations,
    system: flags.system ?? next.system
  };
  if (next.minIterations > next.maxIterations) {
    problems.push(`min_iterations (${next.minIterations}) is above max_iterations (${next.maxIterations})`);
  }
  const instances = next.members.reduce((sum, member) => sum + member.count, 0);
  if (instances < next.limits.quorum) {
    problems.push(`limits.quorum is ${next.limits.quorum} but the members give only ${instances} instance(s)`);
  }
  return problems.length > 0 ? Either.left(problems) : Either.right(next);
};
