import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { abandonedClusters, CLUSTER_PREFIX, recordOwner } from "./owner.js";

// A throw-away PostgreSQL cluster for the tests: initdb in a temp folder, a free loopback port,
// password authentication (so a wrong password can be tested), stopped and deleted afterwards.
// initdb refuses to run as root, so as root (CI) the server runs as an unprivileged user.
// pg_ctl detaches the server into a session of its own, so a test run killed before its teardown
// (SIGKILL, a timeout) would leave it running: a watchdog process stops it when the run's end of a
// pipe closes, however the run ended, and each start stops the clusters of runs that are gone (for
// when the watchdog was killed too).

export const TEST_PG_USER = "consortium";
export const TEST_PG_PASSWORD = "test-password-5b1f";

export interface Cluster {
  /** postgres://consortium:…@127.0.0.1:<port>/postgres */
  readonly url: string;
  /** The folder holding the cluster (its data in data/), removed by stop. */
  readonly dir: string;
  readonly stop: () => void;
}

/** initdb and pg_ctl on PATH, else the newest Debian puts under /usr/lib/postgresql/<version>/bin. */
export const findBinaries = (): { readonly initdb: string; readonly pgCtl: string } | undefined => {
  const onPath = spawnSync("sh", ["-c", "command -v initdb && command -v pg_ctl"], { encoding: "utf8" });
  const [initdb, pgCtl] = onPath.stdout.trim().split("\n");
  if (onPath.status === 0 && initdb !== undefined && pgCtl !== undefined) return { initdb, pgCtl };
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) return undefined;
  return { initdb: join(root, newest, "bin", "initdb"), pgCtl: join(root, newest, "bin", "pg_ctl") };
};

/** The unprivileged account to run the server as when we are root. */
export const serverUser = (): { readonly name: string; readonly uid: number; readonly gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const id = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const group = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (id.status === 0 && group.status === 0) {
      return { name, uid: Number(id.stdout.trim()), gid: Number(group.stdout.trim()) };
    }
  }
  throw new Error("running as root, but there is neither a postgres nor a nobody user to run PostgreSQL as");
};

/** `command args…` as the server's account when there is one. */
export const asServer = (
  user: ReturnType<typeof serverUser>,
  command: string,
  args: ReadonlyArray<string>
): ReadonlyArray<string> =>
  user === undefined ? [command, ...args] : ["runuser", "-u", user.name, "--", command, ...args];

/** pg_ctl's fastest stop: the cluster is thrown away, so nothing needs to be written first. */
export const stopArgs = (data: string): ReadonlyArray<string> => ["-D", data, "-m", "immediate", "-w", "stop"];

const watchdogScript = fileURLToPath(new URL("./watchdog.mjs", import.meta.url));

/**
 * The watchdog: a process in a session of its own (a kill of the run's process group leaves it be)
 * that reads a pipe from this process and, when the pipe closes (this process ended without stopping
 * the cluster), runs `stop` and removes `dir`. Neither keeps the other alive.
 */
const startWatchdog = (stop: ReadonlyArray<string>, dir: string) => {
  const watchdog = spawn(process.execPath, [watchdogScript, JSON.stringify({ stop, dir })], {
    cwd: tmpdir(),
    detached: true,
    stdio: ["pipe", "ignore", "ignore"]
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref: () => void }).unref();
  return watchdog;
};

/** Stops and removes the clusters of test runs that ended without their teardown; never fails a start. */
export const stopAbandonedClusters = (): void => {
  const binaries = findBinaries();
  const user = serverUser();
  for (const dir of abandonedClusters()) {
    const data = join(dir, "data");
    if (binaries !== undefined && existsSync(join(data, "postmaster.pid"))) {
      const [file = binaries.pgCtl, ...args] = asServer(user, binaries.pgCtl, stopArgs(data));
      spawnSync(file, args, { cwd: dir, stdio: "ignore" });
    }
    rmSync(dir, { recursive: true, force: true });
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()));
    });
  });

export const startCluster = async (): Promise<Cluster> => {
  const binaries = findBinaries();
  if (binaries === undefined) {
    throw new Error(
      "PostgreSQL tests need initdb and pg_ctl: install Debian's postgresql package (.ci/run does), or set CONSORTIUM_TEST_PG=off"
    );
  }
  stopAbandonedClusters();
  const dir = mkdtempSync(join(tmpdir(), CLUSTER_PREFIX));
  recordOwner(dir);
  const data = join(dir, "data");
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, `${TEST_PG_PASSWORD}\n`);
  const user = serverUser();
  if (user !== undefined) {
    chmodSync(dir, 0o700);
    chownSync(dir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  const run = (command: string, args: ReadonlyArray<string>) => {
    const [file = command, ...rest] = asServer(user, command, args);
    return execFileSync(file, rest, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  };
  run(binaries.initdb, [
    "-D",
    data,
    "-U",
    TEST_PG_USER,
    `--pwfile=${passwordFile}`,
    "--auth=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync"
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    // a test cluster: durability only costs time here
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200"
  ].join(" ");
  // -w waits until the server accepts connections
  run(binaries.pgCtl, ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "120", "start"]);
  // after the start, so the server inherits nothing of the pipe
  const watchdog = startWatchdog(asServer(user, binaries.pgCtl, stopArgs(data)), dir);
  return {
    url: `postgres://${TEST_PG_USER}:${TEST_PG_PASSWORD}@127.0.0.1:${port}/postgres`,
    dir,
    stop: () => {
      watchdog.kill();
      try {
        if (existsSync(join(data, "postmaster.pid"))) run(binaries.pgCtl, stopArgs(data));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  };
};
