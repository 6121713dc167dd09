import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";

// The ways of seeing results from the binary: `show --html` and `eval --html` write one self-contained
// page each; the hostile answer a fake model gives ends up escaped in them.

const CONFIDENT =
  "<synthesis>**Canberra**.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent>d</dissent>" +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";
const HOSTILE = `<script>alert("x")</script></script><img src=x onerror=alert(1)>`;

let fake: FakeLlm;
let dir: string;
let db: string;
let file: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-view-cli-"));
  db = join(dir, "view.db");
  file = join(dir, "pair.yaml");
  writeFileSync(file, "name: pair\nmembers: [openai/fast, openai/evil]\narbiter: openai/judge\n");
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.script("fast", { text: "Canberra." });
  fake.script("evil", { text: HOSTILE });
  fake.script("judge", { text: CONFIDENT });
});

const cli = (args: ReadonlyArray<string>) => consortium(args, { env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: db } });

/** No attribute in the page points anywhere: every byte is inline. */
const expectSelfContained = (page: string) => {
  expect(page).not.toMatch(/\s(src|href)="(https?:)?\/\//i);
  expect(page).toContain("Content-Security-Policy");
  expect(page).not.toContain("<img");
  expect(page.match(/<script>/g)).toHaveLength(1);
};

describe("--html", () => {
  it("show --html writes the run as one self-contained page with the hostile answer escaped", async () => {
    const ran = await cli(["run", file, "Capital of Australia?", "--json"]);
    expect(ran.code).toBe(0);
    const { runId } = JSON.parse(ran.stdout);
    const out = join(dir, "run.html");
    const shown = await cli(["show", runId, "--html", out]);
    expect(shown.code).toBe(0);
    const page = readFileSync(out, "utf8");
    expectSelfContained(page);
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(page).toContain("<strong>Canberra</strong>");
  });

  it("eval --html writes the cases × targets report", async () => {
    const suite = join(dir, "suite.yaml");
    writeFileSync(
      suite,
      `name: smoke\ntargets: [pair.yaml, {model: openai/evil}]\ncases:\n  - {id: capital, prompt: "Capital?", assert: [{type: icontains, value: canberra}]}\n`
    );
    const out = join(dir, "report.html");
    const result = await cli(["eval", suite, "--html", out]);
    expect(result.code).toBe(1);
    const page = readFileSync(out, "utf8");
    expectSelfContained(page);
    expect(page).toMatch(/data-case="capital" data-target="pair" data-pass="true"/);
    expect(page).toMatch(/data-case="capital" data-target="openai\/evil" data-pass="false"/);
    expect(page).not.toContain(HOSTILE);
  });

  it("an unwritable --html path is exit 2 with the reason", async () => {
    const ran = await cli(["run", file, "Capital?", "--json"]);
    const { runId } = JSON.parse(ran.stdout);
    const shown = await cli(["show", runId, "--html", join(dir, "missing", "run.html")]);
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain("cannot write");
    expect(shown.stderr).not.toMatch(STACK_FRAME);
  });
});
