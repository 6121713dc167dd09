import type { SuiteConfig } from "@consortium/config";
import type { RunLog } from "@consortium/engine";
import type { LlmClient, StartError } from "@consortium/providers";
import { Effect, Either } from "effect";
import type { EvalLog } from "../EvalLog.js";
import type { EvalInputError } from "../errors.js";
import type { EvalReport } from "../report/types.js";
import { engineExecutors } from "./engineExecutors.js";
import { executePlan } from "./execute.js";
import { planSuite, type RunSuiteOptions } from "./plan.js";
import { preflightPlan } from "./preflight.js";

/**
 * Runs a prompt suite: the selected cases on every target, `-j` cases at a time, through the engine.
 * Fails only on bad input, before any call: invalid options or assertion values (`EvalInputError`),
 * an unknown provider, a missing API key (not checked with `keysNeeded: false`). Every failure after
 * that is a failed case in the report; `exitCodeFor(report)` gives the CLI's exit code.
 *
 * Needs an LlmClient (live, `Cassette.record(...)` over live, or `Cassette.replay(...)`), a RunLog for
 * the consortium runs, and an EvalLog for the eval itself.
 */
export const runSuite = Effect.fn("Eval.runSuite")(function* (
  suite: SuiteConfig,
  options: RunSuiteOptions = {}
): Effect.fn.Return<EvalReport, EvalInputError | StartError, LlmClient | RunLog | EvalLog> {
  const plan = yield* Either.match(planSuite(suite, options), { onLeft: Effect.fail, onRight: Effect.succeed });
  const engine = { checkKeys: options.keysNeeded ?? true, env: options.env ?? process.env };
  yield* preflightPlan(plan, engine);
  const executors = yield* engineExecutors(plan.suite);
  const evalId = options.evalId ?? crypto.randomUUID();
  return yield* executePlan(plan, executors, evalId);
});
