import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isProcessAlive as isAlive } from "../../src/liveness.js";
import { pgEnabled } from "../backends.js";
import { postmasterPid, until } from "./alive.js";
import { findBinaries, startCluster, stopAbandonedClusters } from "./cluster.js";
import { CLUSTER_PREFIX } from "./owner.js";

// pg_ctl puts the server in a session of its own, so nothing of a test run's ending reaches it:
// these tests kill the run (or pretend its owner died) and look for the server afterwards.

const vitest = fileURLToPath(new URL("../../../../node_modules/vitest/vitest.mjs", import.meta.url));
const killedRun = fileURLToPath(new URL("./killed/", import.meta.url));

/** The line "cluster <dir>" the run's global setup prints once its cluster is up. */
const clusterOf = (run: ReturnType<typeof spawn>): Promise<string> =>
  new Promise((resolve, reject) => {
    let out = "";
    run.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^cluster (\S+)$/m.exec(out);
      if (line?.[1] !== undefined) resolve(line[1]);
    });
    run.on("exit", (code, signal) =>
      reject(new Error(`the run ended (${code ?? signal}) before its cluster was up:\n${out}`))
    );
  });

// (a server someone runs for the tests, named by CONSORTIUM_TEST_PG_URL, may come without initdb)
describe.runIf(pgEnabled && process.platform === "linux" && findBinaries() !== undefined)(
  "a test run's PostgreSQL cluster",
  () => {
    it("is stopped and removed when the run is killed before its teardown", async () => {
      const env = { ...process.env };
      delete env.CONSORTIUM_TEST_PG_URL;
      const run = spawn(process.execPath, [vitest, "run", "--config", join(killedRun, "vitest.config.ts")], {
        cwd: killedRun,
        env,
        stdio: ["ignore", "pipe", "pipe"]
      });
      const dir = await clusterOf(run);
      const server = postmasterPid(dir);
      expect(isAlive(server)).toBe(true);
      run.kill("SIGKILL");
      try {
        await until(() => !isAlive(server) && !existsSync(dir));
      } finally {
        // a failing test leaves nothing running either
        if (isAlive(server)) process.kill(server, "SIGQUIT");
      }
    }, 120_000);

    it("is stopped and removed by the next start once the process that made it is gone", async () => {
      const cluster = await startCluster();
      const live = mkdtempSync(join(tmpdir(), CLUSTER_PREFIX));
      try {
        const server = postmasterPid(cluster.dir);
        // a process that has ended: the owner a SIGKILL (of the run and its watchdog) leaves behind
        const gone = spawn(process.execPath, ["-e", "0"]);
        await new Promise((resolve) => gone.on("exit", resolve));
        writeFileSync(join(cluster.dir, "owner.json"), JSON.stringify({ pid: gone.pid, started: undefined }));
        writeFileSync(join(live, "owner.json"), JSON.stringify({ pid: process.pid, started: undefined }));

        stopAbandonedClusters();
        await until(() => !isAlive(server));
        expect(existsSync(cluster.dir)).toBe(false);
        // another run's, still going
        expect(existsSync(live)).toBe(true);
      } finally {
        cluster.stop();
        rmSync(live, { recursive: true, force: true });
      }
    }, 120_000);
  }
);
