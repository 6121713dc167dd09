import {
  type ConsortiumConfig,
  consortiumUnpricedModels,
  type SuiteConfig,
  suiteUnpricedModels,
  unpricedBudgetMessage
} from "@consortium/config";
import * as Either from "effect/Either";

// `--max-cost` for run and eval: the same rule as a file's budget (a positive amount, and a price for
// every model it pays for), one wording.

const checkAmount = (usd: number): string | undefined =>
  Number.isFinite(usd) && usd > 0 ? undefined : `--max-cost must be a positive amount of USD, got ${usd}`;

export const withMaxCost = (
  config: ConsortiumConfig,
  usd: number | undefined
): Either.Either<ConsortiumConfig, string> => {
  if (usd === undefined) return Either.right(config);
  const bad = checkAmount(usd);
  if (bad !== undefined) return Either.left(bad);
  const missing = consortiumUnpricedModels(config);
  return missing.length > 0
    ? Either.left(`--max-cost ${unpricedBudgetMessage(missing)}`)
    : Either.right({ ...config, limits: { ...config.limits, budgetUsd: usd } });
};

export const suiteWithMaxCost = (suite: SuiteConfig, usd: number | undefined): Either.Either<SuiteConfig, string> => {
  if (usd === undefined) return Either.right(suite);
  const bad = checkAmount(usd);
  if (bad !== undefined) return Either.left(bad);
  const withBudget = { ...suite, budgetUsd: usd };
  const missing = suiteUnpricedModels(withBudget);
  return missing.length > 0 ? Either.left(`--max-cost ${unpricedBudgetMessage(missing)}`) : Either.right(withBudget);
};

/** The one stderr line for costs that could not be counted. */
export const unpricedWarning = (models: ReadonlyArray<string>): string =>
  `warning: no price for ${models.join(", ")}: the cost shown leaves ${models.length === 1 ? "it" : "them"} out ` +
  "(add prices under providers.<name>.prices)";
