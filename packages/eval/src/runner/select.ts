import type { SuiteCase } from "@consortium/config";
import { messageOf } from "@consortium/config/messageOf";
import { Either } from "effect";
import { sha256Hex } from "../canonicalJson.js";
import { InvalidEvalOption } from "../errors.js";

/** `--shard 2/4`: the second of four parts (1-based, as CI matrices count). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const parseShard = (text: string): Either.Either<Shard, InvalidEvalOption> => {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    return Either.left(
      new InvalidEvalOption({ option: "--shard", message: `expected <i>/<n> with 1 <= i <= n, got "${text}"` })
    );
  }
  return Either.right({ index, count });
};

/**
 * The shard a case belongs to depends on its id alone (a hash, not its position), so adding or
 * reordering cases never moves the others between CI jobs, and every case lands in exactly one shard.
 */
export const shardOf = (caseId: string, count: number): number =>
  (Number.parseInt(sha256Hex(caseId).slice(0, 12), 16) % count) + 1;

export const inShard = (caseId: string, shard: Shard): boolean => shardOf(caseId, shard.count) === shard.index;

export const parseFilter = (pattern: string): Either.Either<RegExp, InvalidEvalOption> => {
  try {
    return Either.right(new RegExp(pattern));
  } catch (error) {
    return Either.left(
      new InvalidEvalOption({
        option: "--filter",
        message: `not a valid regular expression: ${messageOf(error)}`
      })
    );
  }
};

/** The cases this invocation runs: those whose id matches the filter, then those in the shard. */
export const selectCases = (
  cases: ReadonlyArray<SuiteCase>,
  selection: { readonly filter?: RegExp | undefined; readonly shard?: Shard | undefined }
): ReadonlyArray<SuiteCase> =>
  cases.filter(
    (suiteCase) =>
      (selection.filter === undefined || selection.filter.test(suiteCase.id)) &&
      (selection.shard === undefined || inShard(suiteCase.id, selection.shard))
  );
