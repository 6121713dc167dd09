import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** Has a separator or a .yaml/.yml extension, or starts with a dot: a file, not a name. */
export const isPathLike = (text: string): boolean =>
  /\.ya?ml$/.test(text) || text.includes("/") || text.includes("\\") || text.startsWith(".");

/**
 * `research` → `<cwd>/consortia/research.yaml` (or `.yml` when only that exists); anything that looks
 * like a path (has a separator or a .yaml/.yml extension) → that path, resolved against `cwd`.
 */
export const resolveConsortiumPath = (nameOrFile: string, cwd: string): string => {
  if (isPathLike(nameOrFile)) return isAbsolute(nameOrFile) ? nameOrFile : resolve(cwd, nameOrFile);
  const yaml = join(cwd, "consortia", `${nameOrFile}.yaml`);
  const yml = join(cwd, "consortia", `${nameOrFile}.yml`);
  return !existsSync(yaml) && existsSync(yml) ? yml : yaml;
};
