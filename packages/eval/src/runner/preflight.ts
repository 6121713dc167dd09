import { consortiaWithin, consortiumModels, type ModelRef, type ProviderConfig } from "@consortium/config";
import { checkProvidersExist, type Env, preflight, type StartError } from "@consortium/providers";
import { Effect } from "effect";
import type { SuitePlan } from "./plan.js";

/** Every provider the plan will call, with the models calling it: consortium members and arbiters (included consortia too), single models, judges. */
const referencedModels = (
  plan: SuitePlan
): ReadonlyArray<{
  readonly providers: Readonly<Record<string, ProviderConfig>>;
  readonly refs: ReadonlyArray<ModelRef>;
}> => [
  ...plan.targets.flatMap(({ target }) =>
    target.kind === "consortium"
      ? consortiaWithin(target.config).map((each) => ({ providers: each.providers, refs: consortiumModels(each) }))
      : [{ providers: plan.suite.providers, refs: [target.ref] }]
  ),
  {
    providers: plan.suite.providers,
    refs: plan.cases.flatMap(({ assertions }) =>
      assertions.flatMap((assertion) => (assertion.kind === "rubric" ? [assertion.judge] : []))
    )
  }
];

/**
 * Before the first call: every provider exists and, unless replaying, has its key. A missing key would
 * otherwise fail every case the same way; this fails the eval once, as bad input (exit 2).
 */
export const preflightPlan = (
  plan: SuitePlan,
  options: { readonly checkKeys: boolean; readonly env: Env }
): Effect.Effect<void, StartError> =>
  Effect.forEach(
    referencedModels(plan),
    ({ providers, refs }) =>
      options.checkKeys ? preflight(providers, refs, options.env) : checkProvidersExist(providers, refs),
    { discard: true }
  );
