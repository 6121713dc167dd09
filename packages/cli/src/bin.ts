// The process entry (build.mjs adds the shebang). A lone `--version` (or `-v`, as npm and node users type
// it), which scripts and CI call often, is answered before anything loads. Everything else runs the CLI bundle (main.ts and all it imports, one
// CommonJS file) through V8's code cache: compiling it is most of a short command's start-up.
import { fileURLToPath } from "node:url";
import { compileCacheDir, compileCacheFile, runBundle } from "./compileCache.js";

declare const __CONSORTIUM_VERSION__: string;
/** The bundle's content hash, taken when it was built. */
declare const __CLI_BUNDLE_ID__: string;

if (process.argv.length === 3 && (process.argv[2] === "--version" || process.argv[2] === "-v")) {
  process.stdout.write(`${__CONSORTIUM_VERSION__}\n`);
} else {
  const dir = compileCacheDir(process.env);
  const loaded = runBundle(
    fileURLToPath(new URL("./cli.cjs", import.meta.url)),
    dir === undefined ? undefined : compileCacheFile(dir, __CLI_BUNDLE_ID__, process.argv.slice(2))
  );
  // Only a command that succeeded writes the cache: it compiled what that command needs, where one
  // that stopped at a usage error compiled little.
  process.once("exit", (code) => {
    if (code === 0) loaded.saveCache();
  });
}
