import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";
import { consortiumFlags, flag } from "./options.js";

export const DEFAULT_ESTIMATE_PROMPT_TOKENS = 500;

export const estimate = Command.make(
  "estimate",
  {
    target: Args.text({ name: "consortium" }).pipe(
      Args.withDescription(
        "a consortium file, or a name: research → consortia/research.yaml (none with -m … --arbiter …, as run takes)"
      ),
      Args.optional,
      Args.map(Option.getOrUndefined)
    ),
    ...consortiumFlags,
    promptTokens: Options.integer("prompt-tokens").pipe(
      Options.withDescription("the size of the prompt to estimate for, in tokens"),
      Options.withDefault(DEFAULT_ESTIMATE_PROMPT_TOKENS)
    ),
    json: flag("json", "print the estimate as JSON")
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../cost/executeEstimate.js")),
      ({ executeEstimate }) => executeEstimate(flags)
    )
).pipe(
  Command.withDescription(
    "What a run could cost, before any call and without API keys: the worst case and a typical case, per model."
  )
);
