// End-to-end tests spawn the real binary, so build it once before any test runs (~1 s with esbuild).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const build = fileURLToPath(new URL("../build.mjs", import.meta.url));
  execFileSync(process.execPath, [build], { stdio: "inherit" });
}
