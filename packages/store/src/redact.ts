import { secretsOfEnv } from "@consortium/providers";
import { Effect, Ref } from "effect";

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
  /** Adds the values of these variables (a config's `api_key_env` names) to what is scrubbed. */
  readonly learnKeyNames: (names: ReadonlyArray<string>) => Effect.Effect<void>;
}

/**
 * Secrets from key-like names in `env` plus the key variables configs name. The list is rebuilt only
 * when a new name appears: an eval writes thousands of rows and scanning the environment for each was
 * measurable.
 */
export const makeRedactor = (env: Readonly<Record<string, string | undefined>>): Effect.Effect<Redactor> =>
  Effect.map(
    Ref.make<{ readonly names: ReadonlySet<string>; readonly secrets: ReadonlyArray<string> }>({
      names: new Set(),
      secrets: secretsFrom(env)
    }),
    (state) => ({
      secrets: Effect.map(Ref.get(state), (current) => current.secrets),
      learnKeyNames: (names) =>
        Ref.update(state, (current) => {
          if (names.every((name) => current.names.has(name))) return current;
          const known = new Set([...current.names, ...names]);
          return { names: known, secrets: secretsFrom(env, known) };
        })
    })
  );
