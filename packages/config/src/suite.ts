import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import * as Effect from "effect/Effect";
import { schemaProblems } from "./ajvProblems.js";
import { type FileCase, parseCaseFile } from "./caseFile.js";
import { asksForConfidence, confidenceTargetMessage, singleModelTargets } from "./checks/confidenceTargets.js";
import { asArray, isRecord } from "./checks/data.js";
import { knownProviders } from "./checks/modelRefs.js";
import { secretProblems } from "./checks/secrets.js";
import { suiteProblems } from "./checks/suite.js";
import { outsideFolder } from "./confine.js";
import { isBlank } from "./consortium.js";
import { loadConsortiumFile } from "./consortiumFile.js";
import { DEFAULT_SUITE_THRESHOLD } from "./defaults.js";
import { ConfigError, type Issue } from "./errors.js";
import { MAX_CASE_FILE_BYTES, readText, unreadable } from "./io.js";
import { toProviders } from "./normalise/shared.js";
import { suiteJudge, toAssertion, toModelTarget } from "./normalise/suite.js";
import { suiteUnpricedModels, unpricedBudgetMessage } from "./prices/coverage.js";
import { type Locate, type Path, type Problem, toIssues } from "./problem.js";
import type { RawInlineCase, RawSuite } from "./schema/index.js";
import type { SuiteConfig, SuiteTarget } from "./types.js";
import { validateSuite } from "./validators.js";
import { parseYaml } from "./yamlSource.js";

// Suite files: the suite itself, the consortium files it targets and the case files it reads, all
// checked in one pass; the error names every problem in every file.

interface Collected {
  readonly problems: Array<Problem>;
  readonly issues: Array<Issue>;
}

/** A case with where it came from, for default ids and duplicate reports. */
interface PlacedCase {
  readonly case: RawInlineCase & { readonly id: string };
  readonly report: (message: string) => void;
  readonly where: string;
}

const problem = (path: Path, message: string): Problem => ({ path, message, source: "semantic" });

/** A path written in the suite, relative to the suite file's folder unless it is absolute. */
const besideSuite = (suitePath: string, path: string): string =>
  isAbsolute(path) ? path : join(dirname(suitePath), path);

const loadTargets = (raw: unknown, suitePath: string, found: Collected) =>
  Effect.forEach(asArray(raw), (target, index) => {
    if (typeof target !== "string" || !/\.ya?ml$/.test(target)) return Effect.succeed(undefined);
    const display = besideSuite(suitePath, target);
    return loadConsortiumFile(display).pipe(
      Effect.map((config): SuiteTarget => ({ kind: "consortium", file: resolve(display), config })),
      Effect.catchAll((error) => {
        const unreadableFile = error.issues.length === 1 && error.issues[0]!.line === 0;
        if (unreadableFile)
          found.problems.push(problem(["targets", index], `${error.issues[0]!.message} (${display})`));
        else found.issues.push(...error.issues);
        return Effect.succeed(undefined);
      })
    );
  });

const loadCases = (
  data: { readonly cases?: unknown; readonly targets?: unknown },
  suitePath: string,
  locate: Locate,
  known: ReadonlySet<string>,
  found: Collected,
  options: SuiteLoadOptions
) =>
  Effect.forEach(asArray(data.cases), (entry, index): Effect.Effect<ReadonlyArray<PlacedCase>> => {
    if (!isRecord(entry)) return Effect.succeed([]);
    if (typeof entry.file !== "string") {
      if (typeof entry.prompt !== "string") return Effect.succeed([]);
      const path = ["cases", index];
      const line = locate({ path, message: "", source: "semantic" }).line;
      const testCase = entry as RawInlineCase;
      const id = testCase.id ?? `${basename(suitePath)}:${line}`;
      return Effect.succeed([
        {
          case: { ...testCase, id },
          where: `${suitePath}:${line}`,
          report: (message) => found.problems.push(problem(testCase.id === undefined ? path : [...path, "id"], message))
        }
      ]);
    }
    if (!/\.(jsonl|csv)$/.test(entry.file)) return Effect.succeed([]);
    const display = besideSuite(suitePath, entry.file);
    const idPrefix = entry.file;
    return outsideFolder(display, dirname(suitePath), options.allowOutside === true).pipe(
      Effect.flatMap((outside) =>
        outside === undefined ? readText(display, MAX_CASE_FILE_BYTES, "a case file") : Effect.fail(outside)
      ),
      Effect.map((text) => {
        const result = parseCaseFile(text, { display, idPrefix, known });
        found.issues.push(...result.issues);
        if (result.cases.length === 0 && result.issues.length === 0) {
          found.problems.push(problem(["cases", index, "file"], `${display} has no cases`));
        }
        const singles = singleModelTargets(data.targets);
        for (const fileCase of result.cases) {
          if (singles.length === 0 || !asksForConfidence(fileCase.case.assert)) continue;
          const message = confidenceTargetMessage(singles);
          found.issues.push({ file: fileCase.file, ...fileCase.position, path: "/assert", message });
        }
        return result.cases.map((fileCase: FileCase) => placedFromFile(fileCase, found));
      }),
      Effect.catchAll((reason) => {
        found.problems.push(problem(["cases", index, "file"], `${reason} (${display})`));
        return Effect.succeed([]);
      })
    );
  }).pipe(Effect.map((lists) => lists.flat()));

const placedFromFile = (fileCase: FileCase, found: Collected): PlacedCase => ({
  case: fileCase.case,
  where: `${fileCase.file}:${fileCase.position.line}`,
  report: (message) => found.issues.push({ file: fileCase.file, ...fileCase.position, path: "/id", message })
});

const checkDuplicateIds = (cases: ReadonlyArray<PlacedCase>): void => {
  const first = new Map<string, string>();
  for (const placed of cases) {
    const earlier = first.get(placed.case.id);
    if (earlier === undefined) first.set(placed.case.id, placed.where);
    else placed.report(`duplicate case id "${placed.case.id}" (first at ${earlier}): ids must be unique`);
  }
};

const checkDuplicateLabels = (targets: ReadonlyArray<SuiteTarget | undefined>, found: Collected): void => {
  const seen = new Set<string>();
  targets.forEach((target, index) => {
    if (target === undefined) return;
    const label = target.kind === "model" ? target.label : target.config.name;
    if (seen.has(label)) {
      const fix = target.kind === "model" ? "give it a different label" : "targets must have different names";
      found.problems.push(problem(["targets", index], `names target "${label}" a second time: ${fix}`));
    }
    seen.add(label);
  });
};

const EMPTY = "the file is empty: a suite needs at least name, targets and cases";

export interface SuiteLoadOptions {
  /** Read case files wherever they are; by default they must sit in the suite's folder or below it. */
  readonly allowOutside?: boolean | undefined;
}

/** Reads and validates a suite, the consortium files it targets and its case files. */
export const loadSuiteFile = Effect.fn("Config.loadSuiteFile")(function* (
  path: string,
  options: SuiteLoadOptions = {}
) {
  const text = yield* Effect.mapError(readText(path), (reason) => unreadable(path, reason));
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    return yield* new ConfigError({
      file: path,
      issues: parsed.issues.map((issue) => ({ file: path, path: "", ...issue }))
    });
  }
  const { data, locate } = parsed.source;
  if (!isRecord(data)) {
    const message = isBlank(text) ? EMPTY : "the file must be a YAML map of keys to values";
    return yield* new ConfigError({ file: path, issues: [{ file: path, line: 1, column: 1, path: "", message }] });
  }
  const found: Collected = {
    problems: [
      ...parsed.source.problems,
      ...(validateSuite(data) ? [] : schemaProblems(validateSuite.errors ?? [])),
      ...suiteProblems(data),
      ...secretProblems(data)
    ],
    issues: []
  };
  const known = knownProviders(data.providers);
  const consortia = yield* loadTargets(data.targets, path, found);
  const cases = yield* loadCases(data, path, locate, known, found, options);
  checkDuplicateIds(cases);
  const raw = data as RawSuite;
  const targets =
    found.problems.length > 0
      ? []
      : raw.targets.map((target, index) => (typeof target === "string" ? consortia[index] : toModelTarget(target)));
  checkDuplicateLabels(targets, found);

  if (found.problems.length > 0 || found.issues.length > 0) {
    const issues = [...toIssues(path, found.problems, locate), ...found.issues];
    return yield* new ConfigError({ file: path, issues });
  }
  const judge = suiteJudge(raw);
  const defaults = raw.defaults?.assert ?? [];
  const suite: SuiteConfig = {
    name: raw.name,
    description: raw.description,
    targets: targets.filter((target) => target !== undefined),
    threshold: raw.threshold ?? DEFAULT_SUITE_THRESHOLD,
    cases: cases.map(({ case: testCase }) => ({
      id: testCase.id,
      prompt: testCase.prompt,
      assert: [...(testCase.assert ?? []), ...defaults].map((assertion) => toAssertion(assertion, judge))
    })),
    judge,
    providers: toProviders(raw.providers),
    source: resolve(path),
    ...(raw.budget_usd === undefined ? {} : { budgetUsd: raw.budget_usd }),
    ...(raw.repeat === undefined ? {} : { repeat: raw.repeat }),
    ...(raw.case_threshold === undefined ? {} : { caseThreshold: raw.case_threshold })
  };
  const unpriced = suite.budgetUsd === undefined ? [] : suiteUnpricedModels(suite);
  if (unpriced.length > 0) {
    const issues = toIssues(path, [problem(["budget_usd"], unpricedBudgetMessage(unpriced))], locate);
    return yield* new ConfigError({ file: path, issues });
  }
  return suite;
});
