import * as Either from "effect/Either";
import { schemaProblems } from "./ajvProblems.js";
import { consortiumProblems } from "./checks/consortium.js";
import { secretProblems } from "./checks/secrets.js";
import { ConfigError } from "./errors.js";
import { toConsortiumConfig } from "./normalise/consortium.js";
import { type Locate, NO_POSITION, type Problem, toIssues } from "./problem.js";
import type { RawConsortium } from "./schema/index.js";
import type { ConsortiumConfig } from "./types.js";
import { validateConsortium } from "./validators.js";
import { parseYaml } from "./yamlSource.js";

// Consortium files: YAML (with positions) → schema → semantic checks → the normalised config.

/** Every problem of consortium data, from every check, so a file's issues come out in one go. */
export const consortiumDataProblems = (data: unknown): Array<Problem> => {
  const schema = validateConsortium(data) ? [] : schemaProblems(validateConsortium.errors ?? []);
  return [...schema, ...consortiumProblems(data), ...secretProblems(data)];
};

const decide = (
  data: unknown,
  problems: ReadonlyArray<Problem>,
  file: string,
  source: string | undefined,
  locate: Locate
): Either.Either<ConsortiumConfig, ConfigError> =>
  problems.length > 0
    ? Either.left(new ConfigError({ file, issues: toIssues(file, problems, locate) }))
    : Either.right(toConsortiumConfig(data as RawConsortium, source));

const EMPTY = "the file is empty: a consortium needs at least name, members and arbiter";

/** Nothing but white space and comments. */
export const isBlank = (text: string): boolean => text.split("\n").every((line) => /^\s*(#.*)?$/.test(line));

/** The checked config with what the file loader needs to locate problems in its text. */
export interface ParsedConsortium {
  readonly config: ConsortiumConfig;
  readonly data: unknown;
  readonly locate: Locate;
}

/** `file` names the text in messages; `source` is what the config records (an absolute path). */
export const parseConsortiumSource = (
  text: string,
  file: string,
  source: string | undefined
): Either.Either<ParsedConsortium, ConfigError> => {
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    return Either.left(new ConfigError({ file, issues: parsed.issues.map((issue) => ({ file, path: "", ...issue })) }));
  }
  const { data, locate, problems } = parsed.source;
  if (isBlank(text)) {
    return Either.left(new ConfigError({ file, issues: [{ file, line: 1, column: 1, path: "", message: EMPTY }] }));
  }
  return Either.map(decide(data, [...problems, ...consortiumDataProblems(data)], file, source, locate), (config) => ({
    config,
    data,
    locate
  }));
};

export const parseConsortiumText = (
  text: string,
  file: string,
  source: string | undefined
): Either.Either<ConsortiumConfig, ConfigError> =>
  Either.map(parseConsortiumSource(text, file, source), (parsed) => parsed.config);

/** A consortium from YAML text. Pure: never throws, never reads a file. */
export const parseConsortium = (text: string, file: string): Either.Either<ConsortiumConfig, ConfigError> =>
  parseConsortiumText(text, file, file);

/**
 * The same validation for a JS object in the file's shape (snake_case keys), as built by
 * `createConsortium({...})`. Issues carry no line and column.
 */
export const consortiumFromObject = (
  input: unknown,
  label = "<consortium object>"
): Either.Either<ConsortiumConfig, ConfigError> => {
  let data: unknown;
  try {
    // drops undefined values and functions the way a file could never hold them
    data = JSON.parse(JSON.stringify(input) ?? "null");
  } catch {
    const message = "must be plain data (no cycles, no BigInt)";
    return Either.left(
      new ConfigError({ file: label, issues: [{ file: label, line: 0, column: 0, path: "", message }] })
    );
  }
  return decide(data, consortiumDataProblems(data), label, undefined, () => NO_POSITION);
};
