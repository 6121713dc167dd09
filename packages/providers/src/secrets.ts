import { Redacted } from "effect";
import type { Env } from "./providerEnv.js";

// Model output is where a key can come back: a proxy that echoes headers, a server that quotes the
// request in its error, a prompt that contained one. The live client removes every secret it can know
// of from what a server says (answers and errors alike), before anything else sees it, so nothing
// downstream (results, reports, cassettes, the database, the next prompts) ever holds one.

export const REDACTED = "[redacted]";

/** Shorter values are too likely to occur in ordinary text, and too weak to be real keys. */
const MIN_SECRET_LENGTH = 8;

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

/** The `user:password` of a URL and its password, when it carries any (e.g. a base URL variable). */
export const urlCredentials = (text: string): Array<string> => {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(text)) return [];
  try {
    const url = new URL(text);
    const parts = [`${url.username}:${url.password}`, url.password, decodeURIComponent(url.password)];
    return parts.filter((part) => part.length >= MIN_SECRET_LENGTH);
  } catch {
    return [];
  }
};

/**
 * Values of variables whose names look secret or are named in `alsoNames` (a config's `api_key_env`),
 * and credentials inside URL-valued variables: the one list of what must never be shown or stored.
 */
export const secretsOfEnv = (env: Env, alsoNames: ReadonlySet<string> = new Set()): Array<string> =>
  Object.entries(env).flatMap(([name, value]) =>
    value === undefined
      ? []
      : [
          ...((SECRET_NAME.test(name) || alsoNames.has(name)) && value.length >= MIN_SECRET_LENGTH ? [value] : []),
          ...urlCredentials(value)
        ]
  );

/** A growing set of secrets, longest first so a secret containing another is replaced whole. */
export class SecretSet {
  private values: Array<string> = [];
  private readonly seen = new Set<string>();

  add(values: Iterable<string | undefined>): void {
    let changed = false;
    for (const value of values) {
      if (value === undefined || value.length === 0 || this.seen.has(value)) continue;
      this.seen.add(value);
      this.values.push(value);
      changed = true;
    }
    if (changed) this.values.sort((a, b) => b.length - a.length);
  }

  /** For code that takes secrets as Redacted values. */
  redactedValues(): Array<Redacted.Redacted<string>> {
    return this.values.map((value) => Redacted.make(value));
  }

  scrub(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  }

  /**
   * Scrubs a text that arrives in pieces (a streamed answer): each piece comes out scrubbed, less any
   * end that could be the start of a secret, held until the next piece tells. The outputs joined
   * equal `scrub` of the inputs joined.
   */
  scrubber(): { readonly push: (piece: string) => string; readonly end: () => string } {
    let pending = "";
    const values = this.values;
    const safeEnd = (): number => {
      let cut = pending.length;
      for (const value of values) {
        for (let k = Math.min(value.length - 1, pending.length); k > 0; k--) {
          if (pending.endsWith(value.slice(0, k))) {
            cut = Math.min(cut, pending.length - k);
            break;
          }
        }
      }
      // Never cut through a whole secret that another one's partial end reached into.
      for (let moved = true; moved; ) {
        moved = false;
        for (const value of values) {
          const at = pending.lastIndexOf(value, cut - 1);
          if (at >= 0 && at < cut && at + value.length > cut) {
            cut = at;
            moved = true;
          }
        }
      }
      return cut;
    };
    return {
      push: (piece) => {
        if (values.length === 0) return piece;
        pending += piece;
        const cut = safeEnd();
        const out = this.scrub(pending.slice(0, cut));
        pending = pending.slice(cut);
        return out;
      },
      end: () => {
        const out = this.scrub(pending);
        pending = "";
        return out;
      }
    };
  }
}
