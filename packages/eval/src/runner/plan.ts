import type { SuiteCase, SuiteConfig, SuiteTarget } from "@consortium/config";
import type { Env } from "@consortium/providers";
import { Either } from "effect";
import { compileAssertion, SchemaCache } from "../assertions/compile.js";
import type { CompiledAssertion } from "../assertions/types.js";
import { type EvalInputError, InvalidEvalOption } from "../errors.js";
import { addMemberTargets, type MemberGroup } from "./members.js";
import { parseFilter, parseShard, type Shard, selectCases } from "./select.js";
import { type LabelledTarget, labelTargets } from "./targets.js";

export const DEFAULT_EVAL_CONCURRENCY = 4;

/** What `consortium eval` passes through from its flags; everything is optional. */
export interface RunSuiteOptions {
  /** `-j`: cases in flight at once (each runs all its targets together). Default 4. */
  readonly concurrency?: number | undefined;
  /** `--shard i/n`, as text or parsed. */
  readonly shard?: string | Shard | undefined;
  /** `--filter`: a regular expression (source text) on case ids. */
  readonly filter?: string | undefined;
  /** `--threshold`: replaces the suite's. */
  readonly threshold?: number | undefined;
  /** `--target` (already resolved by the CLI): replaces the suite's targets. */
  readonly targets?: ReadonlyArray<SuiteTarget> | undefined;
  /** Default: a fresh UUID. */
  readonly evalId?: string | undefined;
  /**
   * False when no call reaches a provider (`--replay`): API keys are then not checked or needed. The
   * CLI passes `!replay`. Default true.
   */
  readonly keysNeeded?: boolean | undefined;
  /** `--vs-members`: also run each consortium target's distinct member models alone, and compare. */
  readonly vsMembers?: boolean | undefined;
  /** `--repeat`: runs of each case × target; replaces the suite's `repeat`. */
  readonly repeat?: number | undefined;
  /** Where API key variables are looked up. Default process.env (tests pass their own). */
  readonly env?: Env | undefined;
}

export interface PlannedCase {
  readonly suiteCase: SuiteCase;
  readonly assertions: ReadonlyArray<CompiledAssertion>;
}

export interface SuitePlan {
  readonly suite: SuiteConfig;
  readonly targets: ReadonlyArray<LabelledTarget>;
  readonly cases: ReadonlyArray<PlannedCase>;
  readonly threshold: number;
  readonly shard: Shard | null;
  readonly filter: string | null;
  readonly concurrency: number;
  /** Runs of each case × target, and the share of them a case must pass. */
  readonly repeat: number;
  readonly caseThreshold: number;
  /** With --vs-members: each consortium target and the labels of its members run alone. */
  readonly memberGroups: ReadonlyArray<MemberGroup>;
}

const invalid = (option: string, message: string) => Either.left(new InvalidEvalOption({ option, message }));

/**
 * Checks every option and compiles every assertion of the suite (not only the selected cases, so a
 * broken regex cannot hide in another shard), before any model is called.
 */
export const planSuite = (
  suite: SuiteConfig,
  options: RunSuiteOptions = {}
): Either.Either<SuitePlan, EvalInputError> => {
  const concurrency = options.concurrency ?? DEFAULT_EVAL_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return invalid("--concurrency", `must be a whole number >= 1, got ${concurrency}`);
  }
  const threshold = options.threshold ?? suite.threshold;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    return invalid("--threshold", `must be between 0 and 1, got ${threshold}`);
  }
  const repeat = options.repeat ?? suite.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) return invalid("--repeat", `must be a whole number >= 1, got ${repeat}`);
  const chosen = labelTargets(options.targets ?? suite.targets);
  if (chosen.length === 0) return invalid("--target", "the suite has no target to run");
  const withMembers = options.vsMembers === true ? addMemberTargets(suite, chosen) : undefined;
  const targets = withMembers?.targets ?? chosen;

  let shard: Shard | null = null;
  if (typeof options.shard === "string") {
    const parsed = parseShard(options.shard);
    if (Either.isLeft(parsed)) return Either.left(parsed.left);
    shard = parsed.right;
  } else if (options.shard !== undefined) {
    const { index, count } = options.shard;
    if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 1 || index > count) {
      return invalid("--shard", `expected 1 <= i <= n, got ${index}/${count}`);
    }
    shard = options.shard;
  }

  let filter: RegExp | undefined;
  if (options.filter !== undefined) {
    const parsed = parseFilter(options.filter);
    if (Either.isLeft(parsed)) return Either.left(parsed.left);
    filter = parsed.right;
  }

  const ids = new Set<string>();
  for (const suiteCase of suite.cases) {
    if (ids.has(suiteCase.id)) return invalid("cases", `two cases have the id "${suiteCase.id}"`);
    ids.add(suiteCase.id);
  }

  const schemas = new SchemaCache();
  const compiled = new Map<string, ReadonlyArray<CompiledAssertion>>();
  for (const suiteCase of suite.cases) {
    const assertions: Array<CompiledAssertion> = [];
    for (const assertion of suiteCase.assert) {
      const result = compileAssertion(assertion, { caseId: suiteCase.id, schemas, judge: suite.judge });
      if (Either.isLeft(result)) return Either.left(result.left);
      assertions.push(result.right);
    }
    compiled.set(suiteCase.id, assertions);
  }

  // A filter that matches nothing is almost always a typo; an empty shard is normal (few cases, many jobs).
  if (filter !== undefined && selectCases(suite.cases, { filter }).length === 0) {
    return invalid("--filter", `${JSON.stringify(options.filter)} matches no case id of the suite`);
  }
  const selected = selectCases(suite.cases, { filter, shard: shard ?? undefined });
  return Either.right({
    suite: withMembers?.suite ?? suite,
    targets,
    cases: selected.map((suiteCase) => ({ suiteCase, assertions: compiled.get(suiteCase.id) ?? [] })),
    threshold,
    shard,
    filter: options.filter ?? null,
    concurrency,
    repeat,
    caseThreshold: suite.caseThreshold ?? 1,
    memberGroups: withMembers?.groups ?? []
  });
};
