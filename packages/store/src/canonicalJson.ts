import { canonicalJson, sha256Hex } from "@consortium/eval/records";

/**
 * Identifies a configuration by content: sha256 of its canonical JSON. The source path is left out,
 * so the same file checked out in two places, or a copy, hashes the same.
 */
export const configHash = (config: { readonly source?: string | undefined }): string => {
  const { source: _source, ...content } = config;
  return sha256Hex(canonicalJson(content));
};
