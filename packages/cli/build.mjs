// Bundles the CLI into dist/ so `consortium --version` starts in ~100 ms instead of the ~700 ms an
// unbundled Effect program spends resolving barrels. Code only some commands need (provider SDKs,
// SQLite) sits behind dynamic imports, which esbuild splits into chunks loaded on demand.

// Usage: node build.mjs [outdir] [package.json whose version --version prints] [metafile.json]
// (the published `consortium` package builds its copy of the CLI with all three: the metafile lists
// the imports left outside the bundle, which its package must declare as dependencies).

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const outdir = resolve(process.argv[2] ?? `${here}/dist`);
const { version } = JSON.parse(readFileSync(process.argv[3] ?? `${here}/package.json`, "utf8"));

// chunk names carry content hashes: drop the previous build's so stale chunks don't pile up
// (dist/src and dist/test hold tsc's declarations and stay)
mkdirSync(outdir, { recursive: true });
for (const file of readdirSync(outdir, { withFileTypes: true })) {
  if (file.isFile() && /\.js(\.map)?$/.test(file.name)) rmSync(`${outdir}/${file.name}`);
}

const result = await build({
  absWorkingDir: here,
  // serve's run thread and SQLite writer thread (packages/server/src/threadRunner.ts, storeWriter.ts)
  // are loaded from beside the chunks
  entryPoints: {
    bin: "src/bin.ts",
    "run-thread": "../server/src/runThread.ts",
    "store-writer": "../server/src/storeWriterThread.ts"
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["source"],
  // native addon, and the PostgreSQL client (its optional native half is never loaded): both loaded
  // from node_modules at run time
  external: ["better-sqlite3", "pg"],
  define: { __CONSORTIUM_VERSION__: JSON.stringify(version) },
  banner: {
    js: [
      "#!/usr/bin/env node",
      // bundled CommonJS dependencies call require(); give the ESM bundle one
      "import { createRequire as __createRequire } from 'node:module';",
      "const require = __createRequire(import.meta.url);"
    ].join("\n")
  },
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  metafile: process.argv[4] !== undefined
});
if (process.argv[4] !== undefined) writeFileSync(process.argv[4], JSON.stringify(result.metafile));
