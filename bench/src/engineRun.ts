import { performance } from "node:perf_hooks";
import { loadConsortium } from "@consortium/engine";
import { type Scripts, scriptFake } from "./fake.js";

// The engine without the CLI: a separate process (so the harness's own work does not disturb it) runs
// the consortium through the Promise API several times. The first run pays for loading the SDKs and
// opening connections; the later ones show the steady state of a long-lived program.
//
// argv: <consortium.yaml> <prompt> <runs> <fake url> <scripts JSON>; prints one JSON line.

const [file, prompt, runsText, fakeUrl, scriptsJson] = process.argv.slice(2);
if (file === undefined || prompt === undefined || fakeUrl === undefined || scriptsJson === undefined) {
  throw new Error("usage: engine-run <consortium.yaml> <prompt> <runs> <fake url> <scripts JSON>");
}
const scripts = JSON.parse(scriptsJson) as Scripts;

const consortium = await loadConsortium(file);
const wallMs: Array<number> = [];
const engineMs: Array<number> = [];
for (let run = 0; run < Number(runsText); run++) {
  await scriptFake(fakeUrl, scripts);
  const started = performance.now();
  const result = await consortium.run(prompt);
  wallMs.push(performance.now() - started);
  engineMs.push(result.durationMs);
  if (result.status !== "completed" || result.iterations.length !== 2) {
    throw new Error(
      `run ${run + 1}: expected 2 iterations, completed; got ${result.iterations.length}, ${result.status}`
    );
  }
}
process.stdout.write(`${JSON.stringify({ wallMs, engineMs })}\n`);
