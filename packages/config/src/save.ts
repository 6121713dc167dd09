import { stringify } from "yaml";

// A consortium file written by a program (`consortium save`): the schema modeline editors and
// `validate` read, then the data in the key order a person would write it.

const ORDER = ["name", "description", "members", "arbiter", "confidence_threshold", "min_iterations", "max_iterations"];

/** `schemaRef` is the path (relative to the file) or URL of consortium.schema.json. */
export const formatConsortiumYaml = (data: Readonly<Record<string, unknown>>, schemaRef: string): string => {
  const ordered: Record<string, unknown> = {};
  for (const key of [...ORDER, ...Object.keys(data)]) if (data[key] !== undefined) ordered[key] ??= data[key];
  return `# yaml-language-server: $schema=${schemaRef}\n${stringify(ordered, { lineWidth: 0 })}`;
};
