// Everything shown in a page that came from a model, a prompt, a file or the database passes through
// here: model output is untrusted input, and one missed escape is a script running in the viewer.

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
};

/** Text for an element's content or a quoted attribute value. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

/**
 * JSON to embed inside `<script type="application/json">`: `<` is written as `\u003c`, so neither
 * `</script>` nor `<!--` in a string can end the element early; U+2028/2029 are escaped for old parsers.
 */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value ?? null)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks a string as safe markup: only for markup this package built itself. */
export const raw = (markup: string): Html => new Html(markup);

type Part = Html | string | number | null | undefined | false | ReadonlyArray<Part>;

const render = (part: Part): string => {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
};

export const html = (strings: TemplateStringsArray, ...parts: ReadonlyArray<Part>): Html =>
  new Html(
    strings.reduce((out, literal, index) => out + literal + (index < parts.length ? render(parts[index]!) : ""), "")
  );

export type { Part as HtmlPart };
