import { readFile } from "node:fs/promises";
import type { ConfigError, ConsortiumConfig, SuiteConfig } from "@consortium/config";
import { plural } from "@consortium/engine/text";
import * as Args from "@effect/cli/Args";
import * as Command from "@effect/cli/Command";
import * as Console from "effect/Console";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";
import { InvalidFiles, UsageError } from "../failures.js";
import { configModule } from "../lazy.js";
import { flag } from "./options.js";

export const describeConsortium = (config: ConsortiumConfig): string => {
  const instances = config.members.reduce((sum, member) => sum + member.count, 0);
  return `consortium ${config.name}: ${plural(config.members.length, "member")}, ${plural(instances, "instance")}`;
};

const describeSuite = (suite: SuiteConfig): string =>
  `suite ${suite.name}: ${plural(suite.targets.length, "target")}, ${plural(suite.cases.length, "case")}`;

const UNKNOWN_KIND =
  "cannot tell whether this is a consortium or a suite file: make its first line " +
  "`# yaml-language-server: $schema=<path to>/schemas/consortium.schema.json` (or suite.schema.json)";

/** One file: its summary, or every issue in it (and in the files it refers to). */
const validateFile = (file: string, allowOutside: boolean): Effect.Effect<Either.Either<string, ConfigError>> =>
  Effect.gen(function* () {
    const config = yield* configModule;
    const positionless = (message: string, line = 0) =>
      new config.ConfigError({ file, issues: [{ file, line, column: line, path: "", message }] });
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (error) => positionless(config.describeReadFailure(error))
    });
    const kind = config.detectFileKind(text);
    if (kind === undefined) return yield* positionless(UNKNOWN_KIND, 1);
    return kind === "consortium"
      ? describeConsortium(yield* config.loadConsortiumFile(file))
      : describeSuite(yield* config.loadSuiteFile(file, { allowOutside }));
  }).pipe(Effect.either);

export const validate = Command.make(
  "validate",
  {
    files: Args.file({ name: "file" }).pipe(Args.withDescription("consortium or suite files"), Args.atLeast(1)),
    allowOutside: flag("allow-outside", "a suite's case files may sit outside its folder")
  },
  ({ files, allowOutside }) =>
    Effect.gen(function* () {
      // @effect/cli hands options it does not know to a variadic argument; they are not file names
      const flag = files.find((file) => file.startsWith("-"));
      if (flag !== undefined) return yield* new UsageError({ message: `unknown option ${flag} for validate` });
      const failed: Array<ConfigError> = [];
      for (const file of files) {
        const result = yield* validateFile(file, allowOutside);
        if (Either.isRight(result)) yield* Console.log(`ok  ${file} (${result.right})`);
        else failed.push(result.left);
      }
      if (failed.length > 0) return yield* new InvalidFiles({ errors: failed });
    })
).pipe(
  Command.withDescription(
    "Validate consortium and suite files (the kind is told by the $schema comment or the content); " +
      "every problem is printed as file:line:col: message."
  )
);
