import { parseDocument } from "yaml";
import { isRecord } from "./checks/data.js";

export type FileKind = "consortium" | "suite";

const bySchemaReference = (text: string): FileKind | undefined => {
  if (/suite\.schema\.json/.test(text)) return "suite";
  if (/consortium\.schema\.json/.test(text)) return "consortium";
  return undefined;
};

const byContent = (data: unknown): FileKind | undefined => {
  if (!isRecord(data)) return undefined;
  if (typeof data.$schema === "string") {
    const kind = bySchemaReference(data.$schema);
    if (kind !== undefined) return kind;
  }
  if ("members" in data || "arbiter" in data) return "consortium";
  if ("cases" in data || "targets" in data) return "suite";
  return undefined;
};

/**
 * Consortium or suite: by the `# yaml-language-server: $schema=...` comment, a `$schema` key, or the
 * keys present (members/arbiter vs cases/targets). Undefined when nothing tells.
 */
export const detectFileKind = (input: string | unknown): FileKind | undefined => {
  if (typeof input !== "string") return byContent(input);
  const comment = /^#.*\$schema=(\S+)/m.exec(input.split("\n", 5).join("\n"));
  const fromComment = comment === null ? undefined : bySchemaReference(comment[1]!);
  if (fromComment !== undefined) return fromComment;
  try {
    return byContent(parseDocument(input, { logLevel: "silent" }).toJS());
  } catch {
    return undefined;
  }
};
