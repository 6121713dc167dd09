import { type ConsortiumConfig, loadConsortiumFile, resolveConsortiumPath } from "@consortium/config";
import { estimateRun, promptTokenBound } from "@consortium/engine";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { UsageError } from "../failures.js";
import { renderEstimate } from "./renderEstimate.js";

// `consortium estimate`: the consortium file and the price list, nothing else: no key, no request.

export interface EstimateFlags {
  readonly target: string;
  readonly promptTokens: number;
  readonly json: boolean;
}

const print = (text: string) => Effect.sync(() => process.stdout.write(text));

/** `run --estimate`: the estimate for this very prompt. */
export const printRunEstimate = (config: ConsortiumConfig, prompt: string) => {
  const promptTokens = promptTokenBound({ system: config.system, messages: [{ content: prompt }] });
  return print(
    renderEstimate(
      `estimate for ${config.name}, this prompt (about ${promptTokens} tokens)`,
      estimateRun(config, promptTokens),
      { worst: String(config.maxIterations), typical: String(config.minIterations) }
    )
  );
};

export const executeEstimate = (flags: EstimateFlags) =>
  Effect.gen(function* () {
    if (!Number.isInteger(flags.promptTokens) || flags.promptTokens < 0) {
      return yield* new UsageError({
        message: `--prompt-tokens must be a whole number >= 0, got ${flags.promptTokens}`
      });
    }
    const config = yield* loadConsortiumFile(resolveConsortiumPath(flags.target, process.cwd()));
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
