import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { configModule } from "../lazy.js";

export const schema = Command.make(
  "schema",
  {
    kind: Args.choice(
      [
        ["consortium", "consortium"],
        ["suite", "suite"]
      ] as const,
      { name: "kind" }
    ).pipe(Args.withDescription("which schema"), Args.withDefault("consortium" as const))
  },
  ({ kind }) =>
    Effect.gen(function* () {
      const config = yield* configModule;
      const json = kind === "suite" ? config.suiteSchema : config.consortiumSchema;
      yield* Console.log(JSON.stringify(json, null, 2));
    })
).pipe(Command.withDescription("Print the JSON Schema of consortium files (default) or suite files."));
