import { BUILTIN_PROVIDERS } from "../defaults.js";
import type { Path, Problem } from "../problem.js";
import { asRecord, isRecord } from "./data.js";

const semantic = (path: Path, message: string, source: Problem["source"] = "semantic"): Problem => ({
  path,
  message,
  source
});

/** `scheme://user@` or `scheme://user:password@`: credentials that would end up in git, logs and rows. */
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i;

const HTTP_URL = /^https?:\/\//i;

/** The schema's own message for a base_url without an http(s) scheme, so a variable reads the same. */
const NOT_HTTP = "must be an http:// or https:// URL";

/**
 * What is wrong with a base URL: credentials inside it (refused like a literal key, and never repeated
 * in the message), no http(s) scheme, or a URL that does not parse. Shared with the providers' own
 * check of the *_BASE_URL variables, which no schema sees: without it `notaurl` reached the SDK, which
 * failed every attempt of every call as a connection error.
 */
export const baseUrlProblem = (value: string): { readonly message: string; readonly secret: boolean } | undefined => {
  if (URL_CREDENTIALS.test(value)) {
    return {
      message:
        "contains credentials (user:password@); never write them in a file: put the key in an environment variable and name that variable with api_key_env",
      secret: true
    };
  }
  if (!HTTP_URL.test(value)) return { message: NOT_HTTP, secret: false };
  try {
    new URL(value);
    return undefined;
  } catch {
    return { message: "is not a valid URL", secret: false };
  }
};

/** A provider that is not built in must say which protocol it speaks; its base URL must be usable. */
export const providerProblems = (providers: unknown, base: Path): Array<Problem> =>
  Object.entries(asRecord(providers)).flatMap(([name, provider]): Array<Problem> => {
    if (!isRecord(provider)) return [];
    const problems: Array<Problem> = [];
    if (!(name in BUILTIN_PROVIDERS) && provider.type === undefined) {
      problems.push({
        ...semantic(
          [...base, name, "type"],
          "is required for a provider that is not built in: openai (chat completions) or anthropic (messages)"
        ),
        at: "parent"
      });
    }
    const problem = typeof provider.base_url === "string" ? baseUrlProblem(provider.base_url) : undefined;
    // in a file the schema's pattern already says a scheme is missing
    if (problem !== undefined && problem.message !== NOT_HTTP) {
      problems.push(semantic([...base, name, "base_url"], problem.message, problem.secret ? "secret" : "semantic"));
    }
    return problems;
  });
