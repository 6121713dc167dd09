import type * as HelpDoc from "@effect/cli/HelpDoc";
import type * as Span from "@effect/cli/HelpDoc/Span";
import { EXAMPLES, TOP_EXAMPLES } from "./helpExamples.js";

// Help a person reads, like `gh`, `llm` or `kubectl`: a usage line, one short line per option (its
// default in the text), examples. @effect/cli still parses; its help document only supplies the names
// and our descriptions: its boilerplate ("A user-defined piece of text.", "This setting is optional.")
// and the built-in options nobody here needs (--wizard, --completions, --log-level) are left out.

/** A command's name and its help document from @effect/cli (`Command.getHelp`), made on demand. */
export type HelpSource = readonly [name: string, doc: () => HelpDoc.HelpDoc];

export const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value;
    case "Sequence":
      return spanText(span.left) + spanText(span.right);
    case "Highlight":
    case "Strong":
    case "Weak":
      return spanText(span.value);
  }
};

const flatten = (doc: HelpDoc.HelpDoc): Array<HelpDoc.HelpDoc> =>
  doc._tag === "Sequence" ? [...flatten(doc.left), ...flatten(doc.right)] : [doc];

type Definition = readonly [Span.Span, HelpDoc.HelpDoc];

interface Sections {
  readonly description: Array<string>;
  /** ARGUMENTS, OPTIONS: every definition under each header. */
  readonly lists: Map<string, Array<Definition>>;
  /** A group's commands (`db`: status, migrate, copy), each by its name with its description. */
  readonly commands: Array<readonly [name: string, description: string]>;
}

/**
 * A group lists its commands as paragraphs of their usage, padding, then their description
 * (`status [--db text]  Say which…`): the name is the usage's first word.
 */
const commandRow = (element: HelpDoc.HelpDoc): readonly [string, string] => {
  const text = element._tag === "Paragraph" ? spanText(element.value).trim() : "";
  const [usage = "", ...description] = text.split(/\s{2,}/);
  return [usage.split(/\s/)[0] ?? "", description.join(" ")];
};

/** @effect/cli's help document, cut into its sections. */
const sectionsOf = (doc: HelpDoc.HelpDoc): Sections => {
  const sections: Sections = { description: [], lists: new Map(), commands: [] };
  let current = "";
  for (const block of flatten(doc)) {
    if (block._tag === "Header") current = spanText(block.value).trim().toUpperCase();
    else if (block._tag === "Paragraph" && current === "DESCRIPTION") sections.description.push(spanText(block.value));
    else if (block._tag === "Enumeration" && current === "COMMANDS")
      sections.commands.push(...block.elements.map(commandRow));
    else if (block._tag === "DescriptionList") {
      sections.lists.set(current, [...(sections.lists.get(current) ?? []), ...block.definitions]);
    }
  }
  return sections;
};

/** Every definition (argument, option, command) of a help document, by the header it is listed under. */
export const definitionsOf = (doc: HelpDoc.HelpDoc): ReadonlyMap<string, ReadonlyArray<Definition>> =>
  sectionsOf(doc).lists;

export const paragraphs = (doc: HelpDoc.HelpDoc): Array<string> =>
  flatten(doc)
    .filter((block): block is HelpDoc.Paragraph => block._tag === "Paragraph")
    .map((block) => spanText(block.value).trim());

/** What @effect/cli adds to every option's text: type names and "optional"; the description is ours. */
const BOILERPLATE = [
  /^A true or false value\.$/,
  /^An integer\.$/,
  /^A floating point number\.$/,
  /^A user-defined piece of text\.$/,
  /^One of the following: /,
  /^This (setting|argument|option) /,
  /^A file\.$/,
  /^A directory\.$/,
  /^A file or directory/,
  /^A path to a/,
  /^An existing /,
  /^A date/
];

const ownText = (doc: HelpDoc.HelpDoc): string =>
  paragraphs(doc)
    .filter((text) => text.length > 0 && !BOILERPLATE.some((pattern) => pattern.test(text)))
    .join(" ");

/** `<prompt>` as the usage line shows it: `[<prompt>]` when optional, `<file>...` when repeated. */
/** `<file> 1+` (at least one) → `<file>`, repeated. */
const argumentName = (span: Span.Span): { readonly name: string; readonly repeated: boolean } => {
  const text = spanText(span).trim();
  const name = text.replace(/\s+\d+\+$/, "").replace(/\.\.\.$/, "");
  return { name, repeated: name !== text };
};

const argumentUsage = ([span, doc]: Definition): string => {
  const { name, repeated: counted } = argumentName(span);
  const texts = paragraphs(doc);
  const repeated = counted || texts.some((text) => /repeated|at least/i.test(text)) ? "..." : "";
  return texts.includes("This setting is optional.") ? `[${name}]${repeated}` : `${name}${repeated}`;
};

const BUILT_IN = new Set(["--completions", "--log-level", "--wizard", "--version", "--help"]);

const TYPE_NAMES: Record<string, string> = { text: "<text>", integer: "<n>", float: "<number>" };

/** `(-o, --output text)` → `-o, --output <text>`; undefined for the built-in options. */
const optionHeader = (raw: string): string | undefined => {
  const words = raw.replace(/[()]/g, "").replace(/,/g, " ").split(/\s+/).filter(Boolean);
  const names = words.filter((word) => word.startsWith("-"));
  if (names.some((name) => BUILT_IN.has(name))) return undefined;
  const typed = words.filter((word) => !word.startsWith("-")).join(" ");
  const repeated = typed.endsWith("...");
  const rest = typed.replace(/\.\.\.$/, "");
  const short = names.filter((name) => /^-[^-]/.test(name));
  const long = names.filter((name) => name.startsWith("--"));
  const value = rest === "" ? "" : ` ${TYPE_NAMES[rest] ?? `<${rest.replace(/ \| /g, "|")}>`}${repeated ? "..." : ""}`;
  const lead = short.length > 0 ? `${short.join(", ")}${long.length > 0 ? ", " : ""}` : "    ";
  return `${lead}${long.join(", ")}${value}`;
};

const table = (rows: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const width = Math.min(36, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) =>
    left.length > width ? `  ${left}\n  ${"".padEnd(width)}  ${right}` : `  ${left.padEnd(width)}  ${right}`
  );
};

const firstSentence = (text: string): string => {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end);
};

/**
 * @effect/cli lists a boolean's negation (`--no-stream`) as an option of its own with the same text;
 * it says what it does instead.
 */
const negationRow = (
  row: readonly [string, string],
  _index: number,
  rows: ReadonlyArray<readonly [string, string]>
): readonly [string, string] => {
  const [header, text] = row;
  const negated = /^\s*--no-([\w-]+)$/.exec(header)?.[1];
  const positive = rows.find(([other]) => other.trim() === `--${negated}`);
  return negated !== undefined && positive?.[1] === text ? [header, `turn --${negated} off`] : row;
};

export const commandHelp = ([name, doc]: HelpSource): string => {
  const { description, lists, commands: subcommands } = sectionsOf(doc());
  const args = lists.get("ARGUMENTS") ?? [];
  const options = (lists.get("OPTIONS") ?? [])
    .flatMap(([span, doc]): Array<readonly [string, string]> => {
      const header = optionHeader(spanText(span));
      return header === undefined ? [] : [[header, ownText(doc)]];
    })
    .map(negationRow);
  const lines = [description.join(" "), "", "Usage:"];
  const usage = [
    `consortium ${name}`,
    subcommands.length > 0 ? "<command>" : "",
    "[options]",
    ...args.map(argumentUsage)
  ];
  lines.push(`  ${usage.filter(Boolean).join(" ")}`);
  if (args.length > 0) {
    lines.push("", "Arguments:", ...table(args.map(([span, doc]) => [argumentName(span).name, ownText(doc)])));
  }
  if (subcommands.length > 0) {
    const rows = subcommands.map(([name, text]): readonly [string, string] => [name, firstSentence(text)]);
    lines.push("", "Commands:", ...table(rows));
  }
  lines.push("", "Options:", ...table([...options, ["-h, --help", "show this help"]]));
  const examples = EXAMPLES[name];
  if (examples !== undefined) lines.push("", "Examples:", ...examples.map((example) => `  ${example}`));
  return `${lines.join("\n")}\n`;
};

export const topHelp = (description: string, commands: ReadonlyArray<HelpSource>): string => {
  const rows = commands.map(([name, doc]): readonly [string, string] => [
    name,
    firstSentence(sectionsOf(doc()).description.join(" "))
  ]);
  return [
    description,
    "",
    "Usage:",
    "  consortium <command> [options] [arguments]",
    "",
    "Commands:",
    ...table(rows),
    "",
    "Options:",
    ...table([
      ["-h, --help", "show help (`consortium <command> --help` for a command's options)"],
      ["    --version", "print the version"]
    ]),
    "",
    "Examples:",
    ...TOP_EXAMPLES.map((example) => `  ${example}`),
    ""
  ].join("\n");
};

/**
 * The help `argv` asks for, if any: bare `consortium`, `consortium --help`, or `<command> … --help`
 * for a command of `commands`. Undefined otherwise (including a deeper subcommand's help, which
 * @effect/cli renders).
 */
export const requestedHelp = (
  args: ReadonlyArray<string>,
  commands: ReadonlyArray<HelpSource>
): { readonly command: HelpSource | undefined } | undefined => {
  const asksHelp = args.includes("--help") || args.includes("-h");
  const [first] = args;
  if (first === undefined || first === "--help" || first === "-h") return { command: undefined };
  if (!asksHelp) return undefined;
  const command = commands.find(([name]) => name === first);
  if (command === undefined) return undefined;
  const nested = sectionsOf(command[1]()).commands.length > 0;
  const second = args[1];
  return nested && second !== undefined && !second.startsWith("-") ? undefined : { command };
};
