import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Options from "@effect/cli/Options";
import * as Effect from "effect/Effect";
import { UsageError } from "../failures.js";
import { db, flag, html, maxCost, noLog, optional } from "./options.js";

export const evaluate = Command.make(
  "eval",
  {
    files: Args.text({ name: "suite.yaml" }).pipe(
      Args.atLeast(1),
      Args.withDescription("the prompt suite to run; with --merge, the shards' JSON reports (-o) to combine")
    ),
    merge: flag("merge", "combine shard reports (their -o JSON) into one report, JUnit and summary; no database"),
    evalId: optional(
      Options.text("eval-id"),
      "write into this eval, so several shard processes make one (default $GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT when set)"
    ),
    targets: Options.text("target").pipe(
      Options.withDescription("a consortium file or name, or a single model; repeatable: replaces the suite's targets"),
      Options.repeated
    ),
    concurrency: optional(Options.integer("concurrency").pipe(Options.withAlias("j")), "cases in flight (default 4)"),
    shard: optional(Options.text("shard"), "i/n: run only this stable share of the cases (for a CI matrix)"),
    filter: optional(Options.text("filter"), "a regular expression on case ids"),
    junit: optional(Options.text("junit"), "write a JUnit XML report here"),
    output: optional(Options.text("output").pipe(Options.withAlias("o")), "write the full JSON report here"),
    html: html("the report (cases × targets, every answer)"),
    record: optional(Options.text("record"), "record every model call into this cassette (JSONL)"),
    replay: optional(Options.text("replay"), "answer every model call from this cassette: no network, no keys"),
    threshold: optional(Options.float("threshold"), "the pass rate each target needs (0..1), replacing the suite's"),
    db,
    noLog,
    quiet: flag("quiet", "no progress on stderr (a bar on a terminal, else a line every 10 results)"),
    maxCost,
    vsMembers: flag(
      "vs-members",
      "also run each consortium target's members alone on the same cases, and compare it with its best member"
    ),
    repeat: optional(
      Options.integer("repeat"),
      "run each case on each target this many times; a case passes when its share of passes reaches the suite's case_threshold (default 1)"
    ),
    allowOutside: flag(
      "allow-outside",
      "read case files outside the suite's folder (by default a case file must sit in it or below it)"
    ),
    estimate: flag("estimate", "print what the eval could cost (worst and typical case) and stop: no request, no key")
  },
  ({ files: [suite, ...more], merge, ...flags }) => {
    if (merge) {
      return Effect.flatMap(
        Effect.promise(() => import("../eval/merge.js")),
        ({ executeMerge }) => executeMerge([suite, ...more], flags)
      );
    }
    if (more.length > 0) {
      return Effect.fail(new UsageError({ message: "eval runs one suite file; several files only with --merge" }));
    }
    return Effect.flatMap(
      Effect.promise(() => import("../eval/execute.js")),
      ({ executeEval }) => executeEval({ suite, ...flags })
    );
  }
).pipe(
  Command.withDescription(
    "Run a prompt suite: every case against every target, side by side. Exit 0 when every target meets " +
      "the threshold, 1 when one does not, 2 on bad input (including a cassette missing a call)."
  )
);
