import { consortiaWithin } from "../included.js";
import type { ConsortiumConfig, ModelRef, ProviderConfig, SuiteConfig } from "../types.js";
import { lookupPrice } from "./lookup.js";

// Which models a budget could not account for. A budget is refused rather than guessed at when any
// model it would pay for has no price.

/** Every model a run of this consortium calls itself: members, arbiter, fallbacks (not those of the consortia it includes). */
export const consortiumModels = (config: ConsortiumConfig): Array<ModelRef> => [
  ...config.members.filter((member) => member.consortium === undefined),
  ...arbiterModels(config)
];

/** The arbiter and its fallbacks, in the order they are tried; none under a vote without an arbiter. */
export const arbiterModels = (config: ConsortiumConfig): Array<ModelRef> =>
  config.arbiter === undefined ? [] : [config.arbiter, ...config.arbiter.fallbacks];

/** `provider/model` of each distinct ref without a price, sorted. Unknown providers count as unpriced. */
export const unpricedModels = (
  providers: Readonly<Record<string, ProviderConfig>>,
  refs: ReadonlyArray<ModelRef>
): Array<string> => {
  const missing = new Set<string>();
  for (const ref of refs) {
    const provider = Object.hasOwn(providers, ref.provider) ? providers[ref.provider] : undefined;
    if (lookupPrice(ref.provider, provider?.prices, ref.model) === undefined)
      missing.add(`${ref.provider}/${ref.model}`);
  }
  return [...missing].sort();
};

/** The models without a price a run of this consortium may pay for, the included consortia's (with their own providers) too. */
export const consortiumUnpricedModels = (config: ConsortiumConfig): Array<string> =>
  [
    ...new Set(consortiaWithin(config).flatMap((each) => unpricedModels(each.providers, consortiumModels(each))))
  ].sort();

/** The same for a whole suite: consortium targets (with their own providers), single models, judges. */
export const suiteUnpricedModels = (suite: SuiteConfig): Array<string> => {
  const missing = new Set<string>();
  for (const target of suite.targets) {
    const found =
      target.kind === "consortium"
        ? consortiumUnpricedModels(target.config)
        : unpricedModels(suite.providers, [target.ref]);
    for (const model of found) missing.add(model);
  }
  const judges = suite.cases.flatMap((suiteCase) =>
    suiteCase.assert.flatMap((assertion) => (assertion.judge === undefined ? [] : [assertion.judge]))
  );
  for (const model of unpricedModels(suite.providers, judges)) missing.add(model);
  return [...missing].sort();
};

/** The one wording of the refusal, for files and for --max-cost alike. */
export const unpricedBudgetMessage = (models: ReadonlyArray<string>): string =>
  `needs a price for every model it pays for, and ${models.length === 1 ? "this has" : "these have"} none: ` +
  `${models.join(", ")} (add them under providers.<name>.prices)`;
