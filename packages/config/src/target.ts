import { existsSync } from "node:fs";
import { relative } from "node:path";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import { knownProviders, modelRefProblem } from "./checks/modelRefs.js";
import { loadConsortiumFile } from "./consortiumFile.js";
import { ConfigError } from "./errors.js";
import { parseModelRef } from "./modelRef.js";
import { resolveConsortiumPath } from "./resolve.js";
import type { ProviderConfig, SuiteTarget } from "./types.js";

const isModelRef = (spec: string): boolean =>
  !/\.ya?ml$/.test(spec) && (spec.includes("/") ? !spec.startsWith(".") : Either.isRight(parseModelRef(spec)));

/**
 * A suite target given on the command line (`--target`): a model reference (`openai/gpt-4.1-mini`)
 * becomes a single-model target using `providers` (the suite's), anything else is a consortium name or
 * file, resolved like `consortium run` does.
 */
export const loadTarget = Effect.fn("Config.loadTarget")(function* (
  spec: string,
  options: { readonly cwd: string; readonly providers?: Readonly<Record<string, ProviderConfig>> }
) {
  const file = resolveConsortiumPath(spec, options.cwd);
  // a consortium file that exists wins: `gpt-panel` may name consortia/gpt-panel.yaml, not a model
  if (!existsSync(file) && isModelRef(spec)) {
    const known = knownProviders(options.providers ?? {});
    const problem = modelRefProblem(spec, [], known, { countAllowed: false, what: "a single-model target" });
    if (problem !== undefined) {
      return yield* new ConfigError({
        file: spec,
        issues: [{ file: spec, line: 0, column: 0, path: "", message: problem.message }]
      });
    }
    const { provider, model } = Either.getOrThrow(parseModelRef(spec));
    const target: SuiteTarget = { kind: "model", ref: { provider, model }, label: `${provider}/${model}` };
    return target;
  }
  // shown relative to where the user stands; read from the same place
  const config = yield* loadConsortiumFile(relative(process.cwd(), file) || file);
  const target: SuiteTarget = { kind: "consortium", file, config };
  return target;
});
