import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consortium } from "./binary.js";

// A key a model echoes back (a proxy that reflects headers, a prompt that quoted one) must stop where
// model output enters: not on stdout, not in -o, the eval report, JUnit, the cassette, the database,
// nor in the prompts the arbiter and the next round's members are sent.

// The variable's name does not look like a key: only the provider's api_key_env says it is one.
const CANARY = "canary-4b7e1d9a2c6f8e03";
const SUITE_CANARY = "judgecanary-5d1e7f2a9b3c";

let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-secrets-"));
  writeFileSync(
    join(dir, "leaky.yaml"),
    [
      "name: leaky",
      "members: [local/echo, openai/broken, openai/plain]",
      "arbiter: openai/arbiter",
      "min_iterations: 2",
      "max_iterations: 2",
      "limits: {retries: 0}",
      "providers:",
      "  local:",
      "    type: openai",
      `    base_url: ${fake.openaiBaseUrl}`,
      "    api_key_env: LOCAL_ACCESS",
      ""
    ].join("\n")
  );
  writeFileSync(
    join(dir, "suite.yaml"),
    [
      "name: leaky-suite",
      "targets: [leaky.yaml, {model: judged/solo}]",
      "providers:",
      "  judged:",
      "    type: openai",
      `    base_url: ${fake.openaiBaseUrl}`,
      "    api_key_env: SUITE_JUDGE",
      "cases:",
      "  - {id: one, prompt: say it, assert: [{type: contains, value: nothing-matches-this}]}",
      ""
    ].join("\n")
  );
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.script("echo", { text: `The header was Bearer ${CANARY} and ${SUITE_CANARY}.` });
  fake.script("broken", { fault: { type: "status", status: 400, message: `bad key ${CANARY} for ${SUITE_CANARY}` } });
  fake.script("plain", { text: "Plain answer." });
  fake.script("solo", { text: `solo saw ${SUITE_CANARY} and ${CANARY}` });
  fake.script("arbiter", (request) => ({
    // An arbiter that repeats what it was shown, as a careless one would.
    text:
      `<synthesis>I was told: ${request.messages.at(-1)?.content.slice(-2000)}</synthesis>` +
      "<confidence>0.9</confidence><needs_iteration>false</needs_iteration>"
  }));
});

const env = (db: string) => ({
  ...fakeLlmEnv(fake),
  LOCAL_ACCESS: CANARY,
  SUITE_JUDGE: SUITE_CANARY,
  CONSORTIUM_DB: db
});

// A run knows its own providers' keys; an eval also the suite's.
let secrets: ReadonlyArray<string> = [];
const leaks = (text: string): boolean => secrets.some((secret) => text.includes(secret));

/** Every file a test wrote (its outputs, its database, WAL and run marks, in any folder) that holds a secret. */
const filesLeaking = (outputs: string): Array<string> =>
  readdirSync(outputs, { recursive: true, encoding: "utf8" })
    .map((name) => join(outputs, name))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() && leaks(readFileSync(file, "latin1")));

describe("a key echoed by a model", () => {
  it("consortium run: never on stdout, in -o, the database, or the arbiter's and refine prompts", async () => {
    secrets = [CANARY];
    const outputs = mkdtempSync(join(dir, "run-"));
    const out = join(outputs, "run.json");
    const result = await consortium(["run", join(dir, "leaky.yaml"), "hello", "--json", "--raw", "-o", out], {
      env: env(join(outputs, "runs.db"))
    });
    expect(result.stderr).not.toMatch(/at .+\(/);
    const json = JSON.parse(result.stdout) as { iterations: Array<unknown> };
    expect(json.iterations).toHaveLength(2);
    expect(result.stdout).toContain("[redacted]");
    expect(leaks(result.stdout)).toBe(false);
    expect(leaks(result.stderr)).toBe(false);
    const sentOn = fake.requests.filter((request) => request.model !== "echo" && request.model !== "solo");
    expect(sentOn.length).toBeGreaterThan(4);
    expect(sentOn.filter((request) => leaks(JSON.stringify(request.messages)))).toEqual([]);
    expect(filesLeaking(outputs)).toEqual([]);
  });

  it("consortium eval --record: never in the report, -o, JUnit, the cassette or the database", async () => {
    secrets = [CANARY, SUITE_CANARY];
    const outputs = mkdtempSync(join(dir, "eval-"));
    const result = await consortium(
      [
        "eval",
        join(dir, "suite.yaml"),
        "--record",
        join(outputs, "suite.cassette.jsonl"),
        "-o",
        join(outputs, "eval.json"),
        "--junit",
        join(outputs, "eval.xml")
      ],
      { env: env(join(outputs, "runs.db")) }
    );
    expect(existsSync(join(outputs, "suite.cassette.jsonl"))).toBe(true);
    expect(existsSync(join(outputs, "eval.xml"))).toBe(true);
    expect(leaks(result.stdout)).toBe(false);
    expect(leaks(result.stderr)).toBe(false);
    expect(fake.requests.filter((request) => leaks(JSON.stringify(request.messages)))).toEqual([]);
    expect(filesLeaking(outputs)).toEqual([]);
  });
});
