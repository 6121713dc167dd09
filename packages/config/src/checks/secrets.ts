import type { Path, Problem } from "../problem.js";
import { isRecord } from "./data.js";

// A key in a file ends up in git. Refuse anything that looks like one, and never repeat it in a message.

const KEY_VALUE =
  /^(sk-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{30,}|gsk_[A-Za-z0-9]{20,}|xai-[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{20,})$/;
const KEY_NAME = /^(api[-_]?key|key|token|secret|password|authorization|access[-_]?token|bearer)$/i;

const ADVICE = "put the key in an environment variable and name that variable with api_key_env";

const walk = (value: unknown, path: Path, seen: Set<object>, out: Array<Problem>): void => {
  if (typeof value === "string") {
    if (KEY_VALUE.test(value.trim())) {
      out.push({
        path,
        message: `looks like a literal API key; never write keys in a file: ${ADVICE}`,
        source: "secret"
      });
    }
    return;
  }
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(item, [...path, index], seen, out);
    return;
  }
  for (const [key, item] of Object.entries(value)) walk(item, [...path, key], seen, out);
};

export const secretProblems = (data: unknown): Array<Problem> => {
  const out: Array<Problem> = [];
  const providers = isRecord(data) && isRecord(data.providers) ? data.providers : {};
  for (const [name, provider] of Object.entries(providers)) {
    if (!isRecord(provider)) continue;
    for (const key of Object.keys(provider)) {
      if (KEY_NAME.test(key)) {
        out.push({
          path: ["providers", name, key],
          at: "key",
          message: `a literal API key does not belong in a file: ${ADVICE} (e.g. api_key_env: ${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY)`,
          source: "secret"
        });
      }
    }
  }
  // a key under a key-like name is reported once, by the name
  const named = new Set(out.map((problem) => problem.path.join("\u0000")));
  const values: Array<Problem> = [];
  walk(data, [], new Set(), values);
  return [...out, ...values.filter((problem) => !named.has(problem.path.join("\u0000")))];
};
