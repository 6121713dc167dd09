import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binPath, consortium, STACK_FRAME } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// A history someone else owns: the database and its folder are not writable by the user reading it
// (a service's database a teammate opens, a CI artifact, a read-only mount). Every command that only
// reads must read it, and leave nothing behind. Root may write anything, so as root the commands run
// as the unprivileged `nobody`, who gets exactly the permissions the files give everyone.

const ws = useFakeWorkspace("readonly-db");
let folder: string;
let db: string;
let runId: string;

/** Someone who cannot write the folder: ourselves unless we are root. */
const reader = (): { readonly uid: number; readonly gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync("id", ["-u", "nobody"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "nobody"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) throw new Error("running as root, but there is no nobody user");
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

/**
 * Whether that user can read the built CLI: a checkout in a folder only root may enter (say under
 * /root) cannot be run as `nobody`, and the test then has no one to read as.
 */
const readerCanRunTheCli = (): boolean => {
  const user = reader();
  if (user === undefined) return true;
  const probe = spawnSync(process.execPath, ["-e", `require("node:fs").accessSync(${JSON.stringify(binPath)})`], {
    ...user
  });
  return probe.status === 0;
};

const asReader = (args: ReadonlyArray<string>) => {
  const user = reader();
  return consortium([...args, "--db", db], { env: ws.env(), ...(user === undefined ? {} : { user }) });
};

beforeAll(async () => {
  const file = ws.writeConsortium("pair", "members: [openai/fast, openai/slow]\narbiter: openai/judge\n");
  const written = join(ws.dir, "written.db");
  ws.fake.script("judge", { text: confidentReply("Canberra.") });
  const ran = await consortium(["run", file, "Capital of Australia?", "--json", "--db", written], { env: ws.env() });
  expect(ran.code).toBe(0);
  runId = JSON.parse(ran.stdout).runId;
  folder = join(ws.dir, "theirs");
  mkdirSync(folder);
  db = join(folder, "history.db");
  copyFileSync(written, db);
  chmodSync(db, 0o444);
  chmodSync(folder, 0o555);
  chmodSync(ws.dir, 0o755);
});

afterAll(() => chmodSync(folder, 0o755));

describe.skipIf(!readerCanRunTheCli())("a database in a folder the reader cannot write", () => {
  it("lists, shows, diffs and reports on it, writing nothing", async () => {
    const listed = await asReader(["runs", "--json"]);
    expect(listed.stderr).toBe("");
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ id: runId, status: "completed" });

    const shown = await asReader(["show", runId, "--json"]);
    expect(shown.stderr).toBe("");
    expect(JSON.parse(shown.stdout).synthesis.text).toBe("Canberra.");

    const diffed = await asReader(["diff", runId, runId]);
    expect(diffed.code).toBe(0);

    const evals = await asReader(["evals"]);
    expect(evals.code).toBe(0);

    const status = await asReader(["db", "status"]);
    expect(status.stderr).not.toMatch(STACK_FRAME);
    expect(status.stdout).toContain("up to date");
    expect(status.code).toBe(0);

    expect(readdirSync(folder)).toEqual(["history.db"]);
  });

  it("reads it also when an empty -wal was left beside it (a writer's open that failed)", async () => {
    chmodSync(folder, 0o755);
    writeFileSync(`${db}-wal`, "");
    chmodSync(folder, 0o555);
    try {
      const listed = await asReader(["runs", "--json"]);
      expect(listed.stderr).toBe("");
      expect(JSON.parse(listed.stdout)[0]).toMatchObject({ id: runId });
    } finally {
      chmodSync(folder, 0o755);
      rmSync(`${db}-wal`);
      chmodSync(folder, 0o555);
    }
  });

  it("serves it in the viewer", async () => {
    const user = reader();
    const child = spawn(process.execPath, [binPath, "view", "--port", "0", "--db", db], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      ...(user === undefined ? {} : user)
    });
    const closed = new Promise<number | null>((done) => child.once("close", done));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          const found = stderr.match(/consortium view: (http:\/\/\S+)/)?.[1];
          if (found !== undefined) resolve(found);
        });
        void closed.then((code) => reject(new Error(`view exited ${code}: ${stderr}`)));
      });
      expect(await (await fetch(new URL("/runs", url))).text()).toContain(runId);
    } finally {
      child.kill("SIGINT");
      await closed;
    }
    expect(readdirSync(folder)).toEqual(["history.db"]);
  });
});
