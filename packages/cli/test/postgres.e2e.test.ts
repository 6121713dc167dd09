import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binPath, consortium, STACK_FRAME } from "./binary.js";
import { pgEnabled as enabled, freshSchemaUrl } from "./pg.js";

// The commands that take --db / CONSORTIUM_DB against a PostgreSQL URL: the test cluster the
// store's global setup starts (skipped only with CONSORTIUM_TEST_PG=off).

const CONFIDENT =
  "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent>d</dissent>" +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";

let fake: FakeLlm;
let dir: string;
let file: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-pg-cli-"));
  file = join(dir, "pair.yaml");
  writeFileSync(file, "name: pair\nmembers: [openai/fast, openai/slow]\narbiter: openai/judge\n");
});
afterAll(() => fake?.close());

describe.runIf(enabled)("commands on a postgres:// database", () => {
  it("run records there, and runs and show read it back", async () => {
    const url = await freshSchemaUrl(`cli_${process.pid}_run`);
    fake.script("judge", { text: CONFIDENT });
    const env = { ...fakeLlmEnv(fake), CONSORTIUM_DB: url };
    const ran = await consortium(["run", file, "Capital of Australia?", "--json"], { env });
    expect(ran.stderr).not.toMatch(STACK_FRAME);
    expect(ran.stderr).not.toContain("database");
    expect(ran.code).toBe(0);
    const { runId } = JSON.parse(ran.stdout);
    const listed = await consortium(["runs", "--json"], { env });
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: runId, consortium: "pair", status: "completed" }]);
    const shown = await consortium(["show", runId.slice(0, 12), "--db", url]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("openai/fast #1");
    expect(shown.stdout).toContain("confidence 0.90");
  });

  it("an answer holding an unpaired surrogate is stored, and the run ends completed, not interrupted", async () => {
    const url = await freshSchemaUrl(`cli_${process.pid}_lone`);
    fake.script("fast", { text: "only lone \ud800 here" });
    fake.script("judge", { text: CONFIDENT });
    const ran = await consortium(["run", file, "Capital of Australia?", "--json", "--db", url], {
      env: fakeLlmEnv(fake)
    });
    // no "could not save" warning: every row landed
    expect(ran.stderr).not.toContain("could not save");
    expect(ran.code).toBe(0);
    const { runId } = JSON.parse(ran.stdout);
    const shown = JSON.parse((await consortium(["show", runId, "--json", "--db", url])).stdout);
    expect(shown.status).toBe("completed");
    expect(shown.calls.map((call: { text: string | null }) => call.text)).toContain("only lone \uFFFD here");
  });

  it("a wrong password or an unreachable server is one line on stderr and exit 2, without the password", async () => {
    const url = new URL(process.env.CONSORTIUM_TEST_PG_URL ?? "");
    url.password = "wrong-password-x";
    for (const db of [url.toString(), "postgresql://someone:hunter22@127.0.0.1:1/team"]) {
      const listed = await consortium(["runs", "--db", db]);
      expect(listed.code).toBe(2);
      expect(listed.stderr.trim().split("\n")).toHaveLength(1);
      expect(listed.stderr).toMatch(/^database: cannot open the database at postgres(ql)?:\/\//);
      expect(listed.stderr).not.toMatch(STACK_FRAME);
      expect(listed.stderr).not.toContain("wrong-password-x");
      expect(listed.stderr).not.toContain("hunter22");
    }
  });

  it("view, db status and errors show the URL without its password, given in the user part or the query", async () => {
    const url = new URL(await freshSchemaUrl(`cli_${process.pid}_secret`));
    const password = decodeURIComponent(url.password);
    expect(password).not.toBe("");
    expect((await consortium(["runs", "--db", url.toString()])).code).toBe(0);

    // view's start line: it stays running, so read stderr until the line and stop it
    const viewed = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [binPath, "view", "--port", "0", "--db", url.toString()], {
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"]
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("Ctrl-C")) child.kill("SIGINT");
      });
      child.once("close", () => (stderr.includes("Ctrl-C") ? resolve(stderr) : reject(new Error(stderr))));
    });
    expect(viewed).toMatch(/read-only postgres:\/\/\S+@127\.0\.0\.1/);
    expect(viewed).not.toContain(password);

    const inQuery = new URL(url);
    inQuery.password = "";
    inQuery.searchParams.set("password", password);
    const status = await consortium(["db", "status", "--db", inQuery.toString()]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("postgres://");
    expect(status.stdout + status.stderr).not.toContain(password);
    const unreachable = await consortium(["runs", "--db", "postgres://someone@127.0.0.1:1/team?password=hunter33"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("127.0.0.1:1/team");
    expect(unreachable.stderr).not.toContain("hunter33");
  });

  it("sslmode=require, as managed services give it out, is one line of ours, never node-postgres's warning", async () => {
    const url = new URL(process.env.CONSORTIUM_TEST_PG_URL ?? "");
    url.searchParams.set("sslmode", "require");
    const listed = await consortium(["runs", "--db", url.toString()]);
    // the test cluster speaks no TLS: require is refused, never sent in the clear
    expect(listed.code).toBe(2);
    expect(listed.stderr.trim().split("\n")).toHaveLength(1);
    expect(listed.stderr).toMatch(/SSL/);
    expect(listed.stderr).not.toContain("SECURITY WARNING");
  });
});
