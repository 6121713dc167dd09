/**
 * How a suite writes a regular expression: `"canberra"` is a pattern, `"/canberra/i"` a pattern with
 * flags. The loader checks it this way and eval compiles it this way, so they never disagree.
 */
export const splitRegexLiteral = (source: string): { readonly pattern: string; readonly flags: string } => {
  const literal = /^\/([\s\S]+)\/([dgimsuvy]*)$/.exec(source);
  return literal === null ? { pattern: source, flags: "" } : { pattern: literal[1]!, flags: literal[2]! };
};
