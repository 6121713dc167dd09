// Builds what the benchmark measures and drives: the CLI bundle (as users run it), the fake server as its
// own process (so its CPU is not counted as ours), and the harness itself.
//
// The harness imports workspace packages without being a pnpm dependent of them (no install needed):
// esbuild resolves bare imports through the CLI's node_modules, which links every workspace package and
// the Effect set, and reads their TypeScript sources through the "source" condition.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));

for (const script of ["packages/cli/build.mjs", "packages/testkit/build.mjs"]) {
  execFileSync(process.execPath, [`${root}${script}`], { stdio: "inherit" });
}

await build({
  absWorkingDir: here,
  entryPoints: {
    bench: "src/main.ts",
    "engine-run": "src/engineRun.ts",
    rusage: "src/rusage.ts",
    "probe-transport": "src/probes/transport.ts",
    "probe-effect": "src/probes/effectCost.ts",
    "probe-eval": "src/probes/evalInProcess.ts",
    "probe-store-burst": "src/probes/storeBurst.ts",
    "serve-floor": "src/serveFloor.ts"
  },
  outdir: "dist",
  bundle: true,
  // As the CLI's own build: without chunks, esbuild wraps a module reached through the store's lazy
  // import() of its PostgreSQL half in an initialiser that a static importer elsewhere never calls.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["source"],
  // the CLI links every workspace package and Effect; providers adds the OpenAI SDK (the transport probe)
  nodePaths: [`${root}packages/cli/node_modules`, `${root}packages/providers/node_modules`],
  // The native addon and the PostgreSQL client cannot be bundled (the addon finds its binary from its
  // own path): imported at run time from the store's node_modules, as the CLI does from its own.
  plugins: [
    {
      name: "store-natives",
      setup(plugin) {
        const fromStore = createRequire(`${root}packages/store/package.json`);
        plugin.onResolve({ filter: /^(better-sqlite3|pg)$/ }, (args) => ({
          path: fromStore.resolve(args.path),
          external: true
        }));
      }
    }
  ],
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "const require = __createRequire(import.meta.url);"
    ].join("\n")
  },
  sourcemap: "linked",
  logLevel: "warning"
});
