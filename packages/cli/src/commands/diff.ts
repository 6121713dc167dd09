import { safeText } from "@consortium/engine/text";
import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import { viewModule } from "../lazy.js";
import { withStore } from "./history.js";
import { db } from "./options.js";

export const diff = Command.make(
  "diff",
  {
    a: Args.text({ name: "run-a" }).pipe(Args.withDescription("the earlier run (an id or unique prefix)")),
    b: Args.text({ name: "run-b" }).pipe(Args.withDescription("the later run")),
    json: Options.boolean("json").pipe(Options.withDescription("print the differences as JSON")),
    db
  },
  ({ a, b, json, db }) =>
    withStore(db, (_module, store) =>
      Effect.gen(function* () {
        const runA = yield* store.getRun(a);
        const runB = yield* store.getRun(b);
        const { diffRuns, formatDiff } = yield* viewModule;
        const difference = diffRuns(runA, runB);
        yield* json ? Console.log(JSON.stringify(difference, null, 2)) : Console.log(safeText(formatDiff(difference)));
      })
    )
).pipe(
  Command.withDescription(
    "What changed between two runs: config, each member's answer (line diff), the arbiter's decisions, " +
      "tokens, cost and time per round."
  )
);
