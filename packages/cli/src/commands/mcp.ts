import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Effect from "effect/Effect";
import { db, noLog } from "./options.js";

export const mcp = Command.make(
  "mcp",
  {
    dir: Options.text("dir").pipe(
      Options.withDescription("the folder of consortium files the tools can run"),
      Options.withDefault("consortia")
    ),
    db,
    noLog
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../serve/mcp.js")),
      ({ executeMcp }) => executeMcp(flags)
    )
).pipe(
  Command.withDescription(
    "A Model Context Protocol server on stdio with tools list_consortia and run_consortium, for coding agents. " +
      "stdout carries the protocol; logs go to stderr."
  )
);
