const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Fills `{{name}}` placeholders in one pass. Values are inserted verbatim and never scanned again, so
 * a member answer that happens to contain `{{prompt}}` stays literal text. A name without a value is
 * left as written: the config loader rejects unknown placeholders, so this only shows up in hand-built
 * configs, where seeing the placeholder is more useful than an empty hole.
 */
export const renderTemplate = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
