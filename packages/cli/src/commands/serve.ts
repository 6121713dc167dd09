import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Effect from "effect/Effect";
import { db, flag, noLog, optional } from "./options.js";

export const serve = Command.make(
  "serve",
  {
    host: Options.text("host").pipe(
      Options.withDescription("the address to listen on; other than loopback needs --api-key-env"),
      Options.withDefault("127.0.0.1")
    ),
    port: Options.integer("port").pipe(
      Options.withDescription("the port; 0 picks a free one (the ready line on stdout names it)"),
      Options.withDefault(8787)
    ),
    dir: Options.text("dir").pipe(
      Options.withDescription("the folder of consortium files; each valid one is a model"),
      Options.withDefault("consortia")
    ),
    maxRuns: Options.integer("max-runs").pipe(
      Options.withDescription("runs in flight at once; more wait in line (--max-queue)"),
      Options.withDefault(4)
    ),
    maxQueue: optional(
      Options.integer("max-queue"),
      "requests waiting for a run slot, first come first served; one more gets 429 with Retry-After " +
        "(default 4 × --max-runs; 0: no line)"
    ),
    apiKeyEnv: optional(
      Options.text("api-key-env"),
      "require Authorization: Bearer <the value of this environment variable>"
    ),
    maxBody: Options.text("max-body").pipe(
      Options.withDescription("the largest request body, e.g. 1mb, 512kb or bytes; larger gets 413"),
      Options.withDefault("1mb")
    ),
    grace: Options.text("grace").pipe(
      Options.withDescription("after SIGTERM/SIGINT, how long runs in flight may finish before they are interrupted"),
      Options.withDefault("30s")
    ),
    quiet: flag("quiet", "no line per request on stderr"),
    db,
    noLog
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../serve/execute.js")),
      ({ executeServe }) => executeServe(flags)
    )
).pipe(
  Command.withDescription(
    "Serve every consortium as an OpenAI-compatible model: GET /v1/models, POST /v1/chat/completions " +
      "(streaming too). Prints one JSON line on stdout when ready; logs go to stderr."
  )
);
