// Bundles the CLI with candidate fixes applied at bundle time (the sources stay untouched), so the
// bench can measure a fix before anyone edits the package that owns the code:
//
//   node bench/candidate-build.mjs /tmp/cli-fix git-memo,secrets-memo,fast-version
//   BENCH_CLI=/tmp/cli-fix/dist/bin.js pnpm bench --only startup,suite,store
//
// Each patch is a text replacement that must match; once the real fix lands it stops matching and
// this script says so instead of measuring nothing. See docs/benchmarks.md ("Analysis").
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cliDir = fileURLToPath(new URL("../packages/cli/", import.meta.url));
const [outArg, patchArg = ""] = process.argv.slice(2);
if (outArg === undefined) throw new Error("usage: node candidate-build.mjs <out dir> <patch,...>");
const out = resolve(outArg);
const chosen = new Set(patchArg.split(",").filter(Boolean));

/** The file each patch edits, the code it must find there, and what replaces that code. */
const patches = {
  "git-memo": {
    file: "packages/store/src/gitInfo.ts",
    find: "export const gitInfoFor = (file: string): GitInfo => {",
    replace: [
      "const memo = new Map<string, GitInfo>();",
      "export const gitInfoFor = (file: string): GitInfo => {",
      "  let info = memo.get(file);",
      "  if (info === undefined) memo.set(file, (info = gitInfoUncached(file)));",
      "  return info;",
      "};",
      "const gitInfoUncached = (file: string): GitInfo => {"
    ].join("\n")
  },
  "secrets-memo": {
    file: "packages/store/src/Store.ts",
    find: "const secrets = Effect.map(Ref.get(keyNames), (names) => secretsFrom(env, names));",
    replace: [
      "let secretsOf: ReadonlySet<string> | undefined;",
      "    let secretList: ReadonlyArray<string> = [];",
      "    const secrets = Effect.map(Ref.get(keyNames), (names) => {",
      "      if (names !== secretsOf) [secretsOf, secretList] = [names, secretsFrom(env, names)];",
      "      return secretList;",
      "    });"
    ].join("\n")
  }
};
for (const name of chosen) {
  if (name !== "fast-version" && !(name in patches)) throw new Error(`unknown patch ${name}`);
}

const patchPlugin = {
  name: "candidate-patches",
  setup(bundle) {
    for (const [name, patch] of Object.entries(patches)) {
      if (!chosen.has(name)) continue;
      const filter = new RegExp(`${patch.file.replaceAll("/", "\\/").replaceAll(".", "\\.")}$`);
      bundle.onLoad({ filter }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes(patch.find))
          throw new Error(`${name}: ${patch.file} no longer contains the code it patches`);
        return { contents: source.replace(patch.find, patch.replace), loader: "ts" };
      });
    }
  }
};

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "dist"), { recursive: true });
// the bundle resolves better-sqlite3 (external) from node_modules next to it
symlinkSync(join(cliDir, "node_modules"), join(out, "node_modules"));
let entry = join(cliDir, "src/bin.ts");
if (chosen.has("fast-version")) {
  // answer a lone --version before anything loads Effect
  entry = join(out, "fast-bin.ts");
  writeFileSync(
    entry,
    [
      "declare const __CONSORTIUM_VERSION__: string;",
      'if (process.argv.length === 3 && process.argv[2] === "--version") process.stdout.write(__CONSORTIUM_VERSION__ + "\\n");',
      `else await import(${JSON.stringify(join(cliDir, "src/bin.ts"))});`,
      ""
    ].join("\n")
  );
}
const { version } = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8"));
await build({
  absWorkingDir: cliDir,
  entryPoints: { bin: entry },
  outdir: join(out, "dist"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["source"],
  external: ["better-sqlite3"],
  define: { __CONSORTIUM_VERSION__: JSON.stringify(version) },
  plugins: [patchPlugin],
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __createRequire } from 'node:module';",
      "const require = __createRequire(import.meta.url);"
    ].join("\n")
  },
  legalComments: "none",
  logLevel: "warning"
});
process.stdout.write(`${join(out, "dist/bin.js")}\n`);
