import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";

// Where `--db` points when it is wrong: a URL of a scheme that is no database of ours, or a file that
// is not there for a command that only reads. Neither may leave files behind or pass for an empty
// history; each is one line on stderr and exit 2.

const CONFIDENT =
  "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent>d</dissent>" +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake?.close());

const emptyDir = (): string => mkdtempSync(join(tmpdir(), "consortium-dbloc-"));

/** Every entry under `dir`, recursively, relative to it. */
const entries = (dir: string): ReadonlyArray<string> => (readdirSync(dir, { recursive: true }) as Array<string>).sort();

const expectOneLine = (run: { code: number | null; stderr: string; stdout: string }, what: string) => {
  expect(run.code, `${what}: ${run.stderr}`).toBe(2);
  expect(run.stderr, what).not.toMatch(STACK_FRAME);
  expect(run.stderr.trim().split("\n"), what).toHaveLength(1);
};

describe("--db that is not a database", () => {
  it("a URL of another scheme is refused, its password unsaid, and no file is made of it", async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, "pair.yaml"), "name: pair\nmembers: [openai/fast, openai/slow]\narbiter: openai/judge\n");
    fake.script("judge", { text: CONFIDENT });
    const typo = "postgress://user:hunter22pw@db.example/team";
    const ran = await consortium(["run", "pair.yaml", "Capital of Australia?", "--db", typo], {
      cwd: dir,
      env: fakeLlmEnv(fake)
    });
    expectOneLine(ran, "run");
    expect(ran.stderr).toContain("postgress://");
    expect(ran.stderr).not.toContain("hunter22pw");
    for (const args of [
      ["runs", "--db", "mysql://x/y"],
      ["evals", "--db", "sqlite:///tmp/x.db"],
      ["db", "status", "--db", typo],
      ["db", "migrate", "--db", typo]
    ]) {
      const run = await consortium(args, { cwd: dir });
      expectOneLine(run, args.join(" "));
      expect(run.stderr).not.toContain("hunter22pw");
      expect(run.stdout).toBe("");
    }
    expect(entries(dir)).toEqual(["pair.yaml"]);
  }, 120_000);

  it("a command that only reads makes no database where there is none, and says so", async () => {
    const dir = emptyDir();
    const missing = join(dir, "typo.db");
    for (const args of [
      ["runs", "--db", missing],
      ["evals", "--db", missing],
      ["show", "01ABC", "--db", missing],
      ["diff", "01ABC", "01DEF", "--db", missing],
      ["db", "status", "--db", missing],
      ["view", "--port", "0", "--db", missing]
    ]) {
      const run = await consortium(args, { cwd: dir, killAfterMs: 60_000 });
      expectOneLine(run, args.join(" "));
      expect(run.stderr).toContain(missing);
      expect(run.stdout).toBe("");
    }
    const copied = await consortium(["db", "copy", "--from", missing, "--to", join(dir, "team.db")], { cwd: dir });
    expectOneLine(copied, "db copy");
    expect(copied.stderr).toContain(missing);
    expect(copied.stdout).toBe("");
    expect(entries(dir)).toEqual([]);
  }, 120_000);

  it("a new user's default database, not made yet, is an empty history: no file is made, --db stays strict", async () => {
    const home = emptyDir();
    // no --db: CONSORTIUM_DB unset, so the default under XDG_DATA_HOME, which is not there yet
    const fresh = { HOME: home, XDG_DATA_HOME: join(home, "data"), XDG_CACHE_HOME: emptyDir(), CONSORTIUM_DB: "" };
    const listed = await consortium(["runs"], { cwd: home, env: fresh });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim()).toBe("No runs recorded yet.");
    expect(listed.stderr).toBe("");
    const json = await consortium(["runs", "--json"], { cwd: home, env: fresh });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
    const evals = await consortium(["evals", "--json"], { cwd: home, env: fresh });
    expect(evals.code, evals.stderr).toBe(0);
    expect(JSON.parse(evals.stdout)).toEqual([]);
    // an id that names nothing is what it is on any database: an unknown id
    for (const args of [
      ["show", "01ABC"],
      ["diff", "01ABC", "01DEF"]
    ]) {
      const run = await consortium(args, { cwd: home, env: fresh });
      expectOneLine(run, args.join(" "));
      expect(run.stderr).toContain('no run with id "01ABC"');
      expect(run.stdout).toBe("");
    }
    // CONSORTIUM_DB names where this machine records, like the default: not there yet, nothing recorded yet
    const configured = await consortium(["runs"], {
      cwd: home,
      env: { ...fresh, CONSORTIUM_DB: join(home, "team", "consortium.db") }
    });
    expect(configured.code, configured.stderr).toBe(0);
    expect(configured.stdout.trim()).toBe("No runs recorded yet.");
    expect(entries(home)).toEqual([]);
  }, 120_000);
});
