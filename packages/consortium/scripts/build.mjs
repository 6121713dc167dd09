// Builds what the published `consortium` package ships (run after `tsc -b`, which writes the
// declarations it copies):
//   dist/lib     the library entries, our workspace packages bundled in; every third-party import stays
//                an import, so effect (and the rest) is the consumer's single copy from `dependencies`
//   dist/types   the declarations of this package and of the workspace packages they reach, with
//                `@consortium/*` specifiers rewritten to relative paths
//   dist/cli     the CLI, bundled whole for a fast start (only the native better-sqlite3 stays outside)
//   dist/schemas the JSON Schemas editors read
//   dist/meta    esbuild's metafiles (not shipped): the imports left outside each bundle, which the
//                pack test checks against `dependencies`

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL("..", import.meta.url));
const packagesDir = join(here, "..");
const repoRoot = join(packagesDir, "..");
const dist = join(here, "dist");

const WORKSPACE = /^@consortium\//;

const bundleLibrary = async () => {
  const result = await build({
    absWorkingDir: here,
    entryPoints: { index: "src/index.ts", store: "src/store.ts" },
    outdir: join(dist, "lib"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["source"],
    plugins: [
      {
        name: "third-party-external",
        setup(b) {
          // bare specifiers that are not ours: left as imports, resolved from the consumer's node_modules
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            WORKSPACE.test(args.path) || args.path.startsWith("node:") ? undefined : { path: args.path, external: true }
          );
        }
      }
    ],
    legalComments: "none",
    logLevel: "warning",
    metafile: true
  });
  writeFileSync(join(dist, "meta", "lib.json"), JSON.stringify(result.metafile));
};

/** `@consortium/<name>` → its folder and the declaration file of each export subpath. */
const workspacePackages = () => {
  const byName = new Map();
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    const file = join(packagesDir, entry.name, "package.json");
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    if (!WORKSPACE.test(manifest.name)) continue;
    const types = Object.fromEntries(
      Object.entries(manifest.exports ?? {}).map(([subpath, target]) => [subpath, target.types])
    );
    byName.set(manifest.name, { dir: join(packagesDir, entry.name), short: entry.name, types });
  }
  return byName;
};

const SPECIFIER = /(from\s+|import\()"(@consortium\/[\w-]+)(\/[\w./-]+)?"/g;

/** Copies declarations, rewriting workspace specifiers, and following them to the packages they name. */
const copyDeclarations = () => {
  const packages = workspacePackages();
  const out = join(dist, "types");
  const internal = (short) => join(out, "internal", short);
  const copied = new Set();
  const queue = [];

  const rewrite = (text, fileOut) =>
    text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n").replace(SPECIFIER, (_, lead, name, subpath) => {
      const target = packages.get(name);
      const types = target?.types[subpath === undefined ? "." : `.${subpath}`];
      if (target === undefined || types === undefined) throw new Error(`cannot map ${name}${subpath ?? ""}`);
      if (!copied.has(name)) {
        copied.add(name);
        queue.push(name);
      }
      // ./dist/src/x.d.ts → <internal>/<short>/x.js
      const file = join(internal(target.short), types.replace(/^\.\/dist\/src\//, "").replace(/\.d\.ts$/, ".js"));
      let path = relative(dirname(fileOut), file).split("\\").join(posix.sep);
      if (!path.startsWith(".")) path = `./${path}`;
      return `${lead}"${path}"`;
    });

  const copyTree = (from, to) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.isDirectory()) copyTree(source, target);
      else if (entry.name.endsWith(".d.ts")) {
        mkdirSync(to, { recursive: true });
        writeFileSync(target, rewrite(readFileSync(source, "utf8"), target));
      }
    }
  };

  for (const entry of ["index.d.ts", "store.d.ts"]) {
    const source = join(here, "dist", "src", entry);
    if (!existsSync(source)) throw new Error(`${source} is missing: run tsc -b first`);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, entry), rewrite(readFileSync(source, "utf8"), join(out, entry)));
  }
  while (queue.length > 0) {
    const name = queue.shift();
    const target = packages.get(name);
    copyTree(join(target.dir, "dist", "src"), internal(target.short));
  }
};

for (const folder of ["lib", "types", "schemas", "meta"]) rmSync(join(dist, folder), { recursive: true, force: true });
mkdirSync(join(dist, "meta"), { recursive: true });
await bundleLibrary();
copyDeclarations();
execFileSync(
  process.execPath,
  [
    join(packagesDir, "cli", "build.mjs"),
    join(dist, "cli"),
    join(here, "package.json"),
    join(dist, "meta", "cli.json")
  ],
  { stdio: "inherit" }
);
cpSync(join(repoRoot, "schemas"), join(dist, "schemas"), { recursive: true });
