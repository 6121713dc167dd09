import { secretsOfEnv } from "@consortium/providers";
import { Effect } from "effect";

// The engine never hands the store a key, but a provider's error message or an answer could still
// echo one. Defence in depth: every string the store writes has the secrets the providers know of
// (key-like variables, named key variables, URL credentials) replaced before it reaches the disk.

export const REDACTED = "[REDACTED]";

/** The secrets of `env` and of the variables named in `alsoNames`, longest first, each once. */
export const secretsFrom = (
  env: Readonly<Record<string, string | undefined>>,
  alsoNames: Iterable<string> = []
): ReadonlyArray<string> =>
  // Longest first, so a secret that contains another is replaced whole.
  [...new Set(secretsOfEnv(env, new Set(alsoNames)))].sort((a, b) => b.length - a.length);

export const redact = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((acc, secret) => (acc.includes(secret) ? acc.split(secret).join(REDACTED) : acc), text);

export const redactNullable = (text: string | null, secrets: ReadonlyArray<string>): string | null =>
  text === null ? null : redact(text, secrets);

export interface Redactor {
  /** The values to scrub from what is written now. */
  readonly secrets: Effect.Effect<ReadonlyArray<string>>;
  /** The same, read at once: for the per-call write path, where each Effect step costs. */
  readonly current: () => ReadonlyArray<string>;
  /** Adds the values of these variables (a config's `api_key_env` names) to what is scrubbed. */
  readonly learnKeyNames: (names: ReadonlyArray<string>) => Effect.Effect<void>;
}

/**
 * Secrets from key-like names in `env` plus the key variables configs name. The list is rebuilt only
 * when a new name appears: an eval writes thousands of rows and scanning the environment for each was
 * measurable.
 */
export const makeRedactor = (env: Readonly<Record<string, string | undefined>>): Effect.Effect<Redactor> =>
  Effect.sync(() => {
    // Plain state: every access is one synchronous step.
    let names: ReadonlySet<string> = new Set();
    let secrets = secretsFrom(env);
    return {
      secrets: Effect.sync(() => secrets),
      current: () => secrets,
      learnKeyNames: (more) =>
        Effect.sync(() => {
          if (more.every((name) => names.has(name))) return;
          names = new Set([...names, ...more]);
          secrets = secretsFrom(env, names);
        })
    };
  });
