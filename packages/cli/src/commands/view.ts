import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Effect from "effect/Effect";
import { db, flag, optional } from "./options.js";

export const view = Command.make(
  "view",
  {
    db,
    host: Options.text("host").pipe(
      Options.withDescription("the address to listen on; anything but loopback needs --api-key-env"),
      Options.withDefault("127.0.0.1")
    ),
    port: Options.integer("port").pipe(
      Options.withDescription("the port (0: any free one)"),
      Options.withDefault(8788)
    ),
    open: flag("open", "open the viewer in the default browser"),
    apiKeyEnv: optional(
      Options.text("api-key-env"),
      "the environment variable holding the bearer token every request must carry"
    )
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../view/serve.js")),
      ({ serveView }) => serveView(flags)
    )
).pipe(
  Command.withDescription(
    "Browse runs and evals in a local, read-only web UI: rounds side by side, the arbiter's decisions, " +
      "a timeline of the calls, eval matrices, pass-rate history, diffs. Ctrl-C stops it."
  )
);
