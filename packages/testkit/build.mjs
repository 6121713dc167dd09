// Bundles the fake server's process entry to dist/fake-llm.js, for the benchmarks (which must not count
// its CPU as ours) and the key-less quick-start demo.

import { fileURLToPath } from "node:url";
import { build } from "esbuild";

await build({
  absWorkingDir: fileURLToPath(new URL(".", import.meta.url)),
  entryPoints: { "fake-llm": "src/bin.ts" },
  outdir: "dist",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["source"],
  logLevel: "warning"
});
