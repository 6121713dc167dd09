import { readFile } from "node:fs/promises";
import { asEvalReport, mergeReports } from "@consortium/eval";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import { UsageError } from "../failures.js";
import { deliverReport, type EvalFlags } from "./execute.js";

// `consortium eval --merge shard-1.json shard-2.json …`: the shards of a CI matrix as one report,
// JUnit and step summary, with no database. Loaded lazily.

/** Options that choose what to run mean nothing when combining reports: refuse them rather than ignore. */
const RUN_ONLY: ReadonlyArray<readonly [keyof Omit<EvalFlags, "suite">, string]> = [
  ["shard", "--shard"],
  ["filter", "--filter"],
  ["record", "--record"],
  ["replay", "--replay"],
  ["threshold", "--threshold"],
  ["concurrency", "--concurrency"],
  ["evalId", "--eval-id"],
  ["maxCost", "--max-cost"],
  ["estimate", "--estimate"],
  ["repeat", "--repeat"],
  ["allowOutside", "--allow-outside"],
  ["db", "--db"]
];

const readReport = (file: string) =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) => new UsageError({ message: `--merge: cannot read ${file}: ${(cause as Error).message}` })
  }).pipe(
    Effect.flatMap((text) => {
      const parsed = Either.try(() => JSON.parse(text) as unknown);
      const report = Either.isRight(parsed) ? asEvalReport(parsed.right) : undefined;
      return report === undefined
        ? Effect.fail(new UsageError({ message: `--merge: ${file} is not an eval's JSON report (consortium eval -o)` }))
        : Effect.succeed({ name: file, report });
    })
  );

export const executeMerge = (files: ReadonlyArray<string>, flags: Omit<EvalFlags, "suite">) =>
  Effect.gen(function* () {
    const given = RUN_ONLY.filter(([key]) => flags[key] !== undefined && flags[key] !== false).map(
      ([, option]) => option
    );
    if (given.length > 0 || flags.targets.length > 0) {
      return yield* new UsageError({
        message: `--merge combines finished reports; it does not take ${[...given, ...(flags.targets.length > 0 ? ["--target"] : [])].join(", ")}`
      });
    }
    const reports = yield* Effect.forEach(files, readReport);
    const merged = mergeReports(reports);
    // The reports, not the command line, are at fault: no pointer to --help. Exit 2, bad input (not 1,
    // a missed threshold): no report is made, and a CI matrix missing a shard must not read as judged.
    if (Either.isLeft(merged)) return yield* new UsageError({ message: merged.left, help: false });
    yield* deliverReport(merged.right, flags);
  });
