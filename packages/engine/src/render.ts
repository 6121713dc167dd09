const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** A template cut at its placeholders: `texts` has one more entry than `names` and `written`. */
interface Compiled {
  readonly texts: ReadonlyArray<string>;
  readonly names: ReadonlyArray<string>;
  /** Each placeholder as written, for a name without a value. */
  readonly written: ReadonlyArray<string>;
}

const compile = (template: string): Compiled => {
  const texts: Array<string> = [];
  const names: Array<string> = [];
  const written: Array<string> = [];
  let from = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    texts.push(template.slice(from, match.index));
    names.push(match[1]!);
    written.push(match[0]);
    from = match.index + match[0].length;
  }
  texts.push(template.slice(from));
  return { texts, names, written };
};

// Scanning a template with the placeholder pattern was most of the cost of building an arbiter prompt
// (a few KB of text, once per round of every run); a run's templates are few and the same every time,
// so each is cut once. Bounded, in case a long-lived process meets many hand-built templates.
const COMPILED_LIMIT = 256;
const compiled = new Map<string, Compiled>();

const compiledOf = (template: string): Compiled => {
  let found = compiled.get(template);
  if (found === undefined) {
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    found = compile(template);
    compiled.set(template, found);
  }
  return found;
};

/**
 * Fills `{{name}}` placeholders in one pass. Values are inserted verbatim and never scanned again, so
 * a member answer that happens to contain `{{prompt}}` stays literal text. A name without a value is
 * left as written: the config loader rejects unknown placeholders, so this only shows up in hand-built
 * configs, where seeing the placeholder is more useful than an empty hole.
 */
export const renderTemplate = (template: string, values: Readonly<Record<string, string>>): string => {
  const { texts, names, written } = compiledOf(template);
  let out = texts[0]!;
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    out += (Object.hasOwn(values, name) ? values[name]! : written[index]!) + texts[index + 1]!;
  }
  return out;
};
