// node watchdog.mjs '{"stop": [command, ...args], "dir": folder}'
// Started by cluster.ts with a pipe on standard input that only its test run holds: the pipe closes
// when that run ends, however it ends (a SIGKILL too). A run that stops its cluster itself kills this
// process first; if the pipe closes while it still runs, the run is gone without its teardown, so it
// stops the cluster and removes its folder.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

const { stop, dir } = JSON.parse(process.argv[2]);
const cleanUp = () => {
  spawnSync(stop[0], stop.slice(1), { cwd: dir, stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on("end", cleanUp);
process.stdin.on("error", cleanUp);
process.stdin.resume();
