import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consortium, repoRoot, STACK_FRAME } from "./binary.js";

// The seed's usage: `consortium run -m … --arbiter … "prompt"` with no file, `save` to keep it as a
// file, and the one-line answers to getting them wrong. The built binary, against the fake server.

const arbiterReply = (text: string): string =>
  `<synthesis>${text}</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent></dissent>` +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";

let fake: FakeLlm;
let project: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  project = mkdtempSync(join(tmpdir(), "consortium-adhoc-"));
  mkdirSync(join(project, "consortia"));
  writeFileSync(
    join(project, "consortia", "research.yaml"),
    "name: research\nmembers: [openai/gpt-4.1-mini]\narbiter: openai/arbiter-model\n"
  );
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.script("arbiter-model", { text: arbiterReply("Canberra.") });
});

const cli = (args: ReadonlyArray<string>, input?: string) =>
  consortium(args, {
    cwd: project,
    env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(project, "runs.db") },
    ...(input === undefined ? {} : { input })
  });

/** Bad input: exit 2, exactly one line on stderr, nothing on stdout, no model called. */
const expectOneLine = (run: { code: number | null; stdout: string; stderr: string }): string => {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).not.toMatch(STACK_FRAME);
  const lines = run.stderr.trim().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(fake.stats.calls).toBe(0);
  return lines[0]!;
};

describe("consortium run -m … --arbiter … (no file)", () => {
  it("runs an ad-hoc consortium: members with counts, the arbiter, the prompt as the only argument", async () => {
    const run = await cli([
      "run",
      "-m",
      "openai/gpt-4.1-mini:2",
      "-m",
      "anthropic/claude-haiku-4-5",
      "--arbiter",
      "openai/arbiter-model",
      "--confidence-threshold",
      "0.5",
      "What is the capital of Australia?",
      "--json"
    ]);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.consortium).toBe("ad-hoc");
    expect(result.synthesis.text).toBe("Canberra.");
    expect(result.iterations[0].responses.map((r: { member: string }) => r.member).sort()).toEqual([
      "anthropic/claude-haiku-4-5",
      "openai/gpt-4.1-mini",
      "openai/gpt-4.1-mini"
    ]);
    expect(fake.requests.find((r) => r.model === "arbiter-model")?.messages.at(-1)?.content).toContain(
      "What is the capital of Australia?"
    );
    const runs = JSON.parse((await cli(["runs", "--json"])).stdout);
    expect(runs[0].consortium).toBe("ad-hoc");
  });

  it("takes the prompt from standard input when no argument is given", async () => {
    const run = await cli(["run", "-m", "gpt-4.1-mini", "--arbiter", "openai/arbiter-model", "--no-log"], "Capital?");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("Canberra.");
    expect(fake.requests[0]?.messages.at(-1)?.content).toContain("Capital?");
  });

  it("a name that is no consortium says so, suggests the closest, and lists the known ones", async () => {
    const line = expectOneLine(await cli(["run", "resarch", "Q"]));
    expect(line).toBe('no consortium "resarch" (did you mean "research"?); known: research');
  });

  it("-m without --arbiter is one line", async () => {
    const line = expectOneLine(await cli(["run", "-m", "openai/gpt-4.1-mini", "What is it?"]));
    expect(line).toMatch(/^-m without a consortium file needs --arbiter/);
  });

  it("an unknown provider is one message naming the flag, with no knock-on quorum error", async () => {
    const line = expectOneLine(
      await cli(["run", "-m", "olama/qwen", "--arbiter", "openai/arbiter-model", "What is it?"])
    );
    expect(line).toMatch(
      /^-m olama\/qwen: \/members\/0 uses unknown provider "olama" \(did you mean "ollama"\?\)|^-m olama\/qwen: \/members\/0 uses unknown provider "olama"/
    );
    expect(line).not.toContain("quorum");
  });
});

describe("consortium save", () => {
  it("writes consortia/<name>.yaml with the schema modeline; validate and run accept it; no silent overwrite", async () => {
    const args = [
      "save",
      "quick",
      "-m",
      "openai/gpt-4.1-mini:2",
      "-m",
      "claude-haiku-4-5",
      "--arbiter",
      "openai/arbiter-model"
    ];
    const saved = await cli([...args, "--confidence-threshold", "0.7"]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toContain("consortia/quick.yaml");
    const text = readFileSync(join(project, "consortia", "quick.yaml"), "utf8");
    expect(text.split("\n")[0]).toMatch(/^# yaml-language-server: \$schema=\S*consortium\.schema\.json$/);
    expect(text).toContain("confidence_threshold: 0.7");

    const valid = await cli(["validate", "consortia/quick.yaml"]);
    expect(valid.stdout.trim()).toBe("ok  consortia/quick.yaml (consortium quick: 2 members, 3 instances)");

    const run = await cli(["run", "quick", "Capital?", "--no-log"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("Canberra.");
    fake.reset();

    const again = expectOneLine(await cli(args));
    expect(again).toBe("consortia/quick.yaml already exists: pass --force to overwrite it");
    const forced = await cli([...args, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(project, "consortia", "quick.yaml"), "utf8")).not.toContain("confidence_threshold");
  });

  it("in a checkout, the modeline points at the repository's schemas/", async () => {
    const dir = mkdtempSync(join(tmpdir(), "consortium-save-"));
    mkdirSync(join(dir, "schemas"));
    writeFileSync(
      join(dir, "schemas", "consortium.schema.json"),
      readFileSync(join(repoRoot, "schemas", "consortium.schema.json"))
    );
    const saved = await consortium(["save", "x", "-m", "gpt-4.1", "--arbiter", "gpt-4.1"], { cwd: dir });
    expect(saved.code, saved.stderr).toBe(0);
    expect(readFileSync(join(dir, "consortia", "x.yaml"), "utf8")).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/schemas\/consortium\.schema\.json\n/
    );
  });

  it("outside the CLI's repository, the modeline is the documented path, never one into the CLI's own folder", async () => {
    // a folder in no git repository and with no schemas/ of its own; the CLI's schema lives elsewhere
    const dir = mkdtempSync(join(tmpdir(), "consortium-save-"));
    const saved = await consortium(["save", "y", "-m", "gpt-4.1", "--arbiter", "gpt-4.1"], { cwd: dir });
    expect(saved.code, saved.stderr).toBe(0);
    expect(readFileSync(join(dir, "consortia", "y.yaml"), "utf8").split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../schemas/consortium.schema.json"
    );
  });

  it.runIf(process.platform === "linux")(
    "where consortia/ cannot be made (a working folder under /proc) is one line and exit 2, not a hang",
    async () => {
      // node's recursive mkdir loops for ever there; a hung CLI is killed so the test fails instead
      const saved = await consortium(["save", "x", "-m", "gpt-4.1", "--arbiter", "gpt-4.1"], {
        cwd: "/proc/self",
        killAfterMs: 60_000
      });
      expect(saved.signal).toBeNull();
      expect(saved.code).toBe(2);
      expect(saved.stderr).not.toMatch(STACK_FRAME);
      expect(saved.stderr.trim().split("\n")).toHaveLength(1);
      expect(saved.stderr).toMatch(/^cannot write consortia\/x\.yaml: .*ENOENT/);
    },
    90_000
  );

  it("refuses a bad name or a bad member with the file's own checks, writing nothing", async () => {
    const run = await cli(["save", "bad name", "-m", "x", "--arbiter", "openai/arbiter-model"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("consortia/bad name.yaml: /name must");
    expect(run.stderr).toContain('-m x: /members/0 "x" names no provider');
    expect(existsSync(join(project, "consortia", "bad name.yaml"))).toBe(false);
  });
});
