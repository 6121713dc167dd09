import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Effect from "effect/Effect";
import { consortiumFlags, flag } from "./options.js";

export const save = Command.make(
  "save",
  {
    name: Args.text({ name: "name" }).pipe(
      Args.withDescription("the consortium's name: letters, digits, - and _; written to consortia/<name>.yaml")
    ),
    ...consortiumFlags,
    force: flag("force", "overwrite consortia/<name>.yaml if it exists")
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../save/execute.js")),
      ({ executeSave }) => executeSave(flags)
    )
).pipe(Command.withDescription("Write a consortium file from flags, as `run -m … --arbiter …` would use them."));
