import type * as HelpDoc from "@effect/cli/HelpDoc";
import { definitionsOf, spanText } from "./help.js";

// @effect/cli takes a word it does not know as an option for a positional argument: `run --bogus x`
// looked for a consortium called "--bogus", `eval suite.yaml --bogus` said only one suite file may be
// given. A command's options are known from its help document, so an unknown one is named instead.

interface KnownOption {
  readonly names: ReadonlyArray<string>;
  /** It takes a value (`--db text`), so the word after it is that value, not an option. */
  readonly takesValue: boolean;
}

/** `(-o, --output text)` → names -o and --output, taking a value; `--json` → a flag. */
const knownOption = (header: string): KnownOption => {
  const words = header.replace(/[()]/g, "").replace(/,/g, " ").split(/\s+/).filter(Boolean);
  return {
    names: words.filter((word) => word.startsWith("-")),
    takesValue: words.some((word) => !word.startsWith("-"))
  };
};

/** A word that is an option's name: not `-` (standard input), nor a negative number given as a value or prompt. */
const looksLikeOption = (word: string): boolean => word.startsWith("-") && word !== "-" && !/^-[\d.]/.test(word);

/**
 * What is wrong with the options in `args` (what follows the command's name), if anything: the first
 * word that looks like an option the command does not have, or a last option without its value. A
 * `--` ends the options; `--name=value` is the option `--name`.
 */
export const optionProblem = (args: ReadonlyArray<string>, doc: HelpDoc.HelpDoc): string | undefined => {
  const options = (definitionsOf(doc).get("OPTIONS") ?? []).map(([span]) => knownOption(spanText(span)));
  const byName = new Map(options.flatMap((option) => option.names.map((name) => [name, option] as const)));
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === "--") return undefined;
    if (!looksLikeOption(word)) continue;
    const [name, value] = word.split(/=(.*)/s);
    const option = byName.get(name!);
    if (option !== undefined) {
      if (option.takesValue && value === undefined && ++i === args.length) return `${name} needs a value`;
      continue;
    }
    // `-j4`: a short option with its value attached
    if (/^-[^-]/.test(word) && byName.get(word.slice(0, 2))?.takesValue === true) continue;
    return `unknown option ${name}`;
  }
  return undefined;
};
