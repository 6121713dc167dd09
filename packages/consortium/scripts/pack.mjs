// `pnpm release:pack`: type-checks (tsc -b writes the declarations the package ships), builds, and packs
// the `consortium` package into a tarball that installs with plain `npm i <tarball>` or `npm i -g`.
// Usage: node scripts/pack.mjs [destination folder, default <repo>/dist/release]; prints the tarball path.

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = join(here, "..", "..");
const destination = resolve(process.argv[2] ?? join(repoRoot, "dist", "release"));
const quiet = { stdio: ["ignore", "ignore", "inherit"] };

execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b"], {
  cwd: repoRoot,
  ...quiet
});
execFileSync(process.execPath, [join(here, "scripts", "build.mjs")], quiet);
mkdirSync(destination, { recursive: true });
// pnpm (not npm) packs: it applies publishConfig and rewrites workspace: ranges
execFileSync("pnpm", ["pack", "--pack-destination", destination], { cwd: here, ...quiet });

const { name, version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
const tarball = readdirSync(destination).find((file) => file === `${name}-${version}.tgz`);
if (tarball === undefined) throw new Error(`pnpm pack left no ${name}-${version}.tgz in ${destination}`);
process.stdout.write(`${join(destination, tarball)}\n`);
