import * as Either from "effect/Either";
import { BUILTIN_PROVIDERS } from "../defaults.js";
import { hasCount, parseModelRef } from "../modelRef.js";
import type { Path, Problem } from "../problem.js";
import { didYouMean } from "../suggest.js";
import { asRecord } from "./data.js";

/** Built-ins plus the names a file's `providers` declares. */
export const knownProviders = (providers: unknown): ReadonlySet<string> =>
  new Set([...Object.keys(BUILTIN_PROVIDERS), ...Object.keys(asRecord(providers))]);

/** Why a model reference cannot be used here, if it cannot. */
export const modelRefProblem = (
  text: unknown,
  path: Path,
  known: ReadonlySet<string>,
  options: { readonly countAllowed: boolean; readonly what: string }
): Problem | undefined => {
  if (typeof text !== "string") return undefined; // the schema reports it
  const problem = (message: string): Problem => ({ path, message, source: "semantic" });
  const parsed = parseModelRef(text);
  if (Either.isLeft(parsed)) return problem(parsed.left);
  const { provider } = parsed.right;
  if (!known.has(provider)) {
    const names = [...known].sort().join(", ");
    return problem(
      `uses unknown provider "${provider}"${didYouMean(provider, known)}: declare it under providers ` +
        `(known here: ${names})`
    );
  }
  if (!options.countAllowed && hasCount(text)) {
    return problem(`has an instance count (":${text.split(":").at(-1)}") but ${options.what} takes none: remove it`);
  }
  return undefined;
};
