// Bundles the CLI into dist/: an unbundled Effect program spends ~700 ms resolving barrels before it
// starts. Two outputs:
//   dist/cli.cjs  main.ts and everything it imports, one CommonJS file: bin.ts compiles it with V8's
//                 code cache (see src/compileCache.ts), which needs a script, not ES modules. Code only
//                 some commands need (provider SDKs, SQLite) stays behind dynamic imports, which a
//                 CommonJS bundle turns into modules initialised on first use, so a command runs only
//                 what it needs, and the cache holds only that.
//   dist/bin.js   the entry (src/bin.ts and the loader), with the bundle's content hash, which names
//                 its cache files.
//   dist/store-writer.js  serve's SQLite writer thread (packages/server/src/storeWriter.ts), loaded
//                 from beside the bundle by a worker: an ES module of its own.
//   dist/run-thread.js    serve's run thread (packages/server/src/runThread.ts), the same way.

// Usage: node build.mjs [outdir] [package.json whose version --version prints] [metafile.json]
// (the published `consortium` package builds its copy of the CLI with all three: the metafile lists
// the imports left outside the bundle, which its package must declare as dependencies).

import { createHash } from "node:crypto";
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
  if (file.isFile() && /\.c?js(\.map)?$|\.modules\.json$/.test(file.name)) rmSync(`${outdir}/${file.name}`);
}

const common = {
  absWorkingDir: here,
  outdir,
  bundle: true,
  platform: "node",
  target: "node20",
  conditions: ["source"],
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  metafile: true
};
// Reading, decoding and handing V8 the source is part of every start, cache or not: without comments
// and spaces a file is 40 % smaller. Names stay, for stack traces and anything reading `.name`.
const minified = { minifyWhitespace: true, minifySyntax: true };
const versionDefine = { __CONSORTIUM_VERSION__: JSON.stringify(version) };
// effect/Schema imports effect/FastCheck (fast-check, to generate values for property tests), and in a
// bundle whose modules are initialised on first import, initialising Schema initialises all 223 of
// fast-check's: every command ran them at start. No command generates test values, so the bundles get
// an empty module in its place (a call into it would fail as "… is not a function"); any other
// importer of fast-check stops the build rather than get it.
const withoutFastCheck = {
  name: "without-fast-check",
  setup(b) {
    b.onResolve({ filter: /^fast-check$/ }, (args) =>
      /[\\/]effect[\\/]dist[\\/](esm|cjs)[\\/]FastCheck\.js$/.test(args.importer)
        ? { path: "fast-check", namespace: "without-fast-check" }
        : { errors: [{ text: `fast-check is left out of the CLI bundle, but ${args.importer} imports it` }] }
    );
    b.onLoad({ filter: /.*/, namespace: "without-fast-check" }, () => ({ contents: "export {};", loader: "js" }));
  }
};

const cli = await build({
  ...common,
  entryPoints: { cli: "src/main.ts" },
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  ...minified,
  plugins: [withoutFastCheck],
  // native addon, and the PostgreSQL client (its optional native half is never loaded): both loaded
  // from node_modules at run time
  external: ["better-sqlite3", "pg"],
  // a CommonJS file has no import.meta: the one use (finding the schemas folder) gets the file's URL
  define: { ...versionDefine, "import.meta.url": "__importMetaUrl" },
  // the directive first, or the code (written as strict ES modules) would run in sloppy mode
  banner: { js: '"use strict";var __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' }
});
// The modules with code in the bundle, for the test of what each command initialises
// (test/startupLoads.e2e.test.ts)
const [bundled] = Object.values(cli.metafile.outputs).filter((output) => output.entryPoint !== undefined);
writeFileSync(
  `${outdir}/cli.modules.json`,
  JSON.stringify(
    Object.entries(bundled.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path)
  )
);
// V8 keeps a script's source for as long as the script lives (it compiles functions lazily from it),
// and a single character above U+00FF makes it keep the whole source two bytes a character: 13 of
// them (dashes, arrows, quotes in regular expressions and the viewer's templates) held 7.4 MB of heap
// instead of 3.7 for the process's life, about 18 MB of peak RSS in a 2,000-case eval. esbuild
// escapes such characters in strings but leaves regular expressions and template literals as they
// are. A \u escape means the same character in a string, a template's text and a regular expression;
// only a tagged template's raw text would differ, and no tag in this code reads raw text. The source
// map's columns after an escape on its line shift by five.
const asLatin1 = (text) => {
  // after a backslash the escape would be read as the letter u: no such place today, so stop if one appears
  if (/\\[\u0100-\uffff]/.test(text)) throw new Error("a bundle has a character above U+00FF after a backslash");
  return text.replace(/[\u0100-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
};
const writeLatin1 = (file) => writeFileSync(`${outdir}/${file}`, asLatin1(readFileSync(`${outdir}/${file}`, "utf8")));
writeLatin1("cli.cjs");

const bundleId = createHash("sha256")
  .update(readFileSync(`${outdir}/cli.cjs`))
  .digest("hex")
  .slice(0, 16);

const bin = await build({
  ...common,
  entryPoints: { bin: "src/bin.ts" },
  format: "esm",
  define: { ...versionDefine, __CLI_BUNDLE_ID__: JSON.stringify(bundleId) },
  banner: { js: "#!/usr/bin/env node" }
});
const threads = await build({
  ...common,
  entryPoints: { "store-writer": "../server/src/storeWriterThread.ts", "run-thread": "../server/src/runThread.ts" },
  format: "esm",
  // serve loads both before it says it is ready, and its run thread lives as long as the server
  ...minified,
  plugins: [withoutFastCheck],
  external: ["better-sqlite3", "pg"],
  banner: {
    js: [
      // bundled CommonJS dependencies call require(); give the ES module one
      "import { createRequire as __createRequire } from 'node:module';",
      "const require = __createRequire(import.meta.url);"
    ].join("\n")
  }
});

writeLatin1("store-writer.js");
writeLatin1("run-thread.js");

if (process.argv[4] !== undefined) {
  const builds = [cli, bin, threads];
  writeFileSync(
    process.argv[4],
    JSON.stringify({
      inputs: Object.assign({}, ...builds.map((one) => one.metafile.inputs)),
      outputs: Object.assign({}, ...builds.map((one) => one.metafile.outputs))
    })
  );
}
