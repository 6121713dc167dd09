import { type ConsortiumConfig, resolveConsortiumPath } from "@consortium/config";
import { estimateRun, promptTokenBound } from "@consortium/engine";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { DEFAULT_ESTIMATE_PROMPT_TOKENS } from "../commands/estimate.js";
import { UsageError } from "../failures.js";
import { adHocData, type ConsortiumFlags, checkConsortiumData, loadWithFlags } from "../run/consortiumFromFlags.js";
import { AD_HOC_HINT } from "../run/target.js";
import { renderEstimate } from "./renderEstimate.js";

// `consortium estimate`: the consortium file and the price list, nothing else: no key, no request.

export interface EstimateFlags extends ConsortiumFlags {
  /** A file or name; undefined for an ad-hoc consortium (-m … --arbiter …). */
  readonly target: string | undefined;
  readonly promptTokens: number;
  readonly json: boolean;
}

const print = (text: string) => Effect.sync(() => process.stdout.write(text));

/** `run --estimate`: the estimate for this very prompt, or without one for a prompt of the default size. */
export const printRunEstimate = (config: ConsortiumConfig, prompt: string | undefined) => {
  const promptTokens =
    prompt === undefined
      ? DEFAULT_ESTIMATE_PROMPT_TOKENS
      : promptTokenBound({ system: config.system, messages: [{ content: prompt }] });
  return print(
    renderEstimate(
      prompt === undefined
        ? `estimate for ${config.name}, a prompt of about ${promptTokens} tokens`
        : `estimate for ${config.name}, this prompt (about ${promptTokens} tokens)`,
      estimateRun(config, promptTokens),
      { worst: String(config.maxIterations), typical: String(config.minIterations) }
    )
  );
};

/** The consortium as `run` would take it: a file with the flags laid over it, or the flags alone. */
const configOf = (flags: EstimateFlags) => {
  if (flags.target !== undefined) return loadWithFlags(resolveConsortiumPath(flags.target, process.cwd()), flags);
  if (flags.models.length === 0 || flags.arbiter === undefined) {
    return Effect.fail(new UsageError({ message: `no consortium: ${AD_HOC_HINT}` }));
  }
  return checkConsortiumData(adHocData("ad-hoc", flags), flags, "command line");
};

export const executeEstimate = (flags: EstimateFlags) =>
  Effect.gen(function* () {
    if (!Number.isInteger(flags.promptTokens) || flags.promptTokens < 0) {
      return yield* new UsageError({
        message: `--prompt-tokens must be a whole number >= 0, got ${flags.promptTokens}`
      });
    }
    const config = yield* configOf(flags);
    const estimate = estimateRun(config, flags.promptTokens);
    if (flags.json) {
      yield* Console.log(
        JSON.stringify({ consortium: config.name, promptTokens: flags.promptTokens, ...estimate }, null, 2)
      );
      return;
    }
    yield* Effect.sync(() =>
      process.stdout.write(
        renderEstimate(`estimate for ${config.name}, a prompt of about ${flags.promptTokens} tokens`, estimate, {
          worst: String(config.maxIterations),
          typical: String(config.minIterations)
        })
      )
    );
  });
