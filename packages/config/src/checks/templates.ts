import { JUDGING_PLACEHOLDERS, TEMPLATE_PLACEHOLDERS } from "../defaults.js";
import type { Problem } from "../problem.js";
import { didYouMean } from "../suggest.js";
import { asRecord } from "./data.js";

// the engine's renderer fills exactly these; other `{{...}}` text is left alone, so it is not checked
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Placeholders in a template, as written (`{{ prompt }}`) and by name (`prompt`). */
export const placeholders = (template: string): Array<{ readonly written: string; readonly name: string }> =>
  [...template.matchAll(PLACEHOLDER)].map((match) => ({ written: match[0], name: match[1]! }));

/** " (only under judging: peer-review)" when another method would allow the placeholder. */
const onlyUnder = (kind: string, name: string): string => {
  const method = Object.entries(JUDGING_PLACEHOLDERS).find(([, extra]) =>
    (extra[kind as keyof typeof TEMPLATE_PLACEHOLDERS] ?? []).includes(name)
  )?.[0];
  return method === undefined ? "" : ` ({{${name}}} only under judging: ${method})`;
};

/** `judging` widens what some templates may use (peer-review's arbiter sees `{{ranking}}`). */
export const templateProblems = (prompts: unknown, judging?: unknown): Array<Problem> =>
  Object.entries(TEMPLATE_PLACEHOLDERS).flatMap(([kind, allowed]) => {
    const template = asRecord(prompts)[kind];
    if (typeof template !== "string") return [];
    const extra = (
      typeof judging === "string" && Object.hasOwn(JUDGING_PLACEHOLDERS, judging)
        ? JUDGING_PLACEHOLDERS[judging]
        : undefined
    )?.[kind as keyof typeof TEMPLATE_PLACEHOLDERS];
    const names: ReadonlyArray<string> = [...allowed, ...(extra ?? [])];
    return placeholders(template)
      .filter(({ name }) => !names.includes(name))
      .map(
        ({ written, name }): Problem => ({
          path: ["prompts", kind],
          needle: written,
          message:
            `uses unknown placeholder ${written}${didYouMean(name, names).replace(/"([^"]+)"/, "{{$1}}")}; ` +
            `a ${kind} template may use ${names.map((known) => `{{${known}}}`).join(", ")}${onlyUnder(kind, name)}`,
          source: "semantic"
        })
      );
  });
