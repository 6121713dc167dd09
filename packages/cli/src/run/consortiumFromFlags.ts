import {
  ConfigError,
  type ConsortiumConfig,
  consortiumFromObject,
  type Issue,
  type JudgingMethodName,
  loadConsortiumFileData
} from "@consortium/config";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";

// The flags that describe a consortium (`run`'s overrides, an ad-hoc `run -m … --arbiter …`, `save`)
// become a consortium file's data, which goes through the very checks a file gets: one wording, one
// place. Issues about a key a flag set name that flag instead of a file.

export interface ConsortiumFlags {
  readonly models: ReadonlyArray<string>;
  readonly arbiter: string | undefined;
  readonly confidenceThreshold: number | undefined;
  readonly minIterations: number | undefined;
  readonly maxIterations: number | undefined;
  readonly system: string | undefined;
  /** `run --judging`; the other commands that take these flags have no such option. */
  readonly judging?: JudgingMethodName | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `data` with the keys the flags set replaced, in the file's own shape (snake_case). */
export const layFlags = (data: Readonly<Record<string, unknown>>, flags: ConsortiumFlags): Record<string, unknown> => {
  const laid: Record<string, unknown> = { ...data };
  if (flags.models.length > 0) laid.members = [...flags.models];
  if (flags.arbiter !== undefined) {
    // the file's fallbacks and parameters still stand behind an arbiter chosen on the command line
    laid.arbiter = isRecord(data.arbiter) ? { ...data.arbiter, model: flags.arbiter } : flags.arbiter;
  }
  if (flags.confidenceThreshold !== undefined) laid.confidence_threshold = flags.confidenceThreshold;
  if (flags.minIterations !== undefined) laid.min_iterations = flags.minIterations;
  if (flags.maxIterations !== undefined) laid.max_iterations = flags.maxIterations;
  if (flags.system !== undefined) laid.system = flags.system;
  if (flags.judging !== undefined) laid.judging = flags.judging;
  return laid;
};

/** The flag that set the key an issue is about, as the user typed it; undefined for other keys. */
const flagFor = (pointer: string, flags: ConsortiumFlags): string | undefined => {
  const [key, index] = pointer.split("/").slice(1);
  switch (key) {
    case "members": {
      if (flags.models.length === 0) return undefined;
      const model = index === undefined ? undefined : flags.models[Number(index)];
      return model === undefined ? "-m" : `-m ${model}`;
    }
    case "arbiter":
      // only a vote may go without an arbiter, so a missing one is what --judging changed
      if (flags.arbiter !== undefined) return `--arbiter ${flags.arbiter}`;
      return flags.judging === undefined ? undefined : `--judging ${flags.judging}`;
    case "confidence_threshold":
      return flags.confidenceThreshold === undefined
        ? undefined
        : `--confidence-threshold ${flags.confidenceThreshold}`;
    case "min_iterations":
      return flags.minIterations === undefined ? undefined : `--min-iterations ${flags.minIterations}`;
    case "max_iterations":
      return flags.maxIterations === undefined ? undefined : `--max-iterations ${flags.maxIterations}`;
    case "system":
      return flags.system === undefined ? undefined : "--system";
    // the file was checked as written first, so a problem with what depends on the method (elimination,
    // a template's placeholders) is one the method chosen on the command line made
    case "judging":
    case "strategy":
    case "prompts":
      return flags.judging === undefined ? undefined : `--judging ${flags.judging}`;
    default:
      return undefined;
  }
};

/** Checks data built from flags; each issue names the flag behind it, or `label` (the file, or "command line"). */
export const checkConsortiumData = (
  data: Readonly<Record<string, unknown>>,
  flags: ConsortiumFlags,
  label: string
): Either.Either<ConsortiumConfig, ConfigError> =>
  Either.mapLeft(consortiumFromObject(data, label), (error) => {
    const issues = error.issues.map((issue): Issue => ({ ...issue, file: flagFor(issue.path, flags) ?? label }));
    return new ConfigError({ file: label, issues });
  });

export const hasConsortiumFlags = (flags: ConsortiumFlags): boolean =>
  flags.models.length > 0 ||
  flags.arbiter !== undefined ||
  flags.confidenceThreshold !== undefined ||
  flags.minIterations !== undefined ||
  flags.maxIterations !== undefined ||
  flags.system !== undefined ||
  flags.judging !== undefined;

/** The data of an ad-hoc consortium: no file, only flags. */
export const adHocData = (name: string, flags: ConsortiumFlags): Record<string, unknown> => layFlags({ name }, flags);

/** A consortium file, checked as written (line:col), then with the flags laid over it. */
export const loadWithFlags = (file: string, flags: ConsortiumFlags) =>
  Effect.gen(function* () {
    const { config, data } = yield* loadConsortiumFileData(file);
    if (!hasConsortiumFlags(flags)) return config;
    const laid = yield* checkConsortiumData(layFlags(data, flags), flags, file);
    // the run is still recorded against its file (source, git commit); unless -m replaced them, the
    // members keep the consortia they include, which only the file loader reads
    return { ...laid, source: config.source, ...(flags.models.length > 0 ? {} : { members: config.members }) };
  });
