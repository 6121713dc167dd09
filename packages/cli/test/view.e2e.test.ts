import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { binPath, consortium, STACK_FRAME } from "./binary.js";
import { useFakeWorkspace } from "./workspace.js";

// The ways of seeing results from the binary: `show --html` and `eval --html` write one self-contained
// page each; the hostile answer a fake model gives ends up escaped in them.

const CONFIDENT =
  "<synthesis>**Canberra**.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent>d</dissent>" +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";
const HOSTILE = `<script>alert("x")</script></script><img src=x onerror=alert(1)>`;

const ws = useFakeWorkspace("view-cli");
let db: string;
let file: string;

beforeAll(() => {
  db = join(ws.dir, "view.db");
  file = ws.writeConsortium("pair", "members: [openai/fast, openai/evil]\narbiter: openai/judge\n");
});
beforeEach(() => {
  ws.fake.script("fast", { text: "Canberra." });
  ws.fake.script("evil", { text: HOSTILE });
  ws.fake.script("judge", { text: CONFIDENT });
});

const cli = (args: ReadonlyArray<string>) => consortium(args, { env: ws.env({ CONSORTIUM_DB: db }) });

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
    const out = join(ws.dir, "run.html");
    const shown = await cli(["show", runId, "--html", out]);
    expect(shown.code).toBe(0);
    const page = readFileSync(out, "utf8");
    expectSelfContained(page);
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(page).toContain("<strong>Canberra</strong>");

    // with --json too, the page is written and the JSON still printed, for a run and for an eval
    const both = join(ws.dir, "run-and-json.html");
    const shownBoth = await cli(["show", runId, "--html", both, "--json"]);
    expect(shownBoth.code, shownBoth.stderr).toBe(0);
    expect(JSON.parse(shownBoth.stdout).runId).toBe(runId);
    expect(readFileSync(both, "utf8")).toBe(page);
  });

  it("eval --html writes the cases × targets report", async () => {
    const suite = join(ws.dir, "suite.yaml");
    writeFileSync(
      suite,
      `name: smoke\ntargets: [pair.yaml, {model: openai/evil}]\ncases:\n  - {id: capital, prompt: "Capital?", assert: [{type: icontains, value: canberra}]}\n`
    );
    const out = join(ws.dir, "report.html");
    const result = await cli(["eval", suite, "--html", out]);
    expect(result.code).toBe(1);
    const page = readFileSync(out, "utf8");
    expectSelfContained(page);
    expect(page).toMatch(/data-case="capital" data-target="pair" data-pass="true"/);
    expect(page).toMatch(/data-case="capital" data-target="openai\/evil" data-pass="false"/);
    expect(page).not.toContain(HOSTILE);

    // the same eval from the store
    const [stored] = JSON.parse((await cli(["evals", "--json", "--limit", "1"])).stdout);
    const again = join(ws.dir, "stored-report.html");
    const shown = await cli(["show", stored.id, "--html", again]);
    expect(shown.code).toBe(0);
    const storedPage = readFileSync(again, "utf8");
    expectSelfContained(storedPage);
    expect(storedPage).toMatch(/data-case="capital" data-target="openai\/evil" data-pass="false"/);
    expect(storedPage).not.toContain(HOSTILE);
    const shownBoth = await cli(["show", stored.id, "--html", join(ws.dir, "stored-and-json.html"), "--json"]);
    expect(shownBoth.code, shownBoth.stderr).toBe(0);
    expect(JSON.parse(shownBoth.stdout).id).toBe(stored.id);
  });

  it("an unwritable --html path is exit 2 with the reason", async () => {
    const ran = await cli(["run", file, "Capital?", "--json"]);
    const { runId } = JSON.parse(ran.stdout);
    const shown = await cli(["show", runId, "--html", join(ws.dir, "missing", "run.html")]);
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain("cannot write");
    expect(shown.stderr).not.toMatch(STACK_FRAME);
  });
});

/** Starts `consortium view` and waits for the line naming its URL. */
const startView = (args: ReadonlyArray<string>) =>
  new Promise<{ readonly url: string; readonly stop: () => Promise<number | null> }>((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, "view", "--port", "0", ...args], {
      env: { ...process.env, CONSORTIUM_DB: db, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = stderr.match(/consortium view: (http:\/\/\S+)/)?.[1];
      if (url !== undefined) {
        resolve({
          url,
          stop: () =>
            new Promise((done) => {
              child.once("close", (code) => done(code));
              child.kill("SIGINT");
            })
        });
      }
    });
    child.once("close", (code) => reject(new Error(`view exited ${code}: ${stderr}`)));
  });

describe("consortium view", () => {
  it("serves the runs read-only on loopback until interrupted", async () => {
    const ran = await cli(["run", file, "Capital of Australia?", "--json"]);
    const { runId } = JSON.parse(ran.stdout);
    const viewer = await startView([]);
    try {
      expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const list = await fetch(new URL("/runs", viewer.url));
      expect(list.status).toBe(200);
      expect(await list.text()).toContain(runId);
      const page = await (await fetch(new URL(`/runs/${runId}`, viewer.url))).text();
      expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      expect((await fetch(new URL("/runs", viewer.url), { method: "DELETE" })).status).toBe(405);
    } finally {
      await viewer.stop();
    }
  });

  it("refuses to listen off loopback without --api-key-env (exit 2)", async () => {
    const result = await cli(["view", "--host", "0.0.0.0", "--port", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--api-key-env");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    const unset = await cli(["view", "--host", "0.0.0.0", "--port", "0", "--api-key-env", "CONSORTIUM_TEST_UNSET_KEY"]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("CONSORTIUM_TEST_UNSET_KEY");
    expect(unset.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("consortium diff", () => {
  it("shows which member's answer changed between two runs, as text and JSON", async () => {
    const first = JSON.parse((await cli(["run", file, "Capital?", "--json"])).stdout).runId;
    ws.fake.script("evil", { text: "Sydney.\nNo, Canberra." });
    const second = JSON.parse((await cli(["run", file, "Capital?", "--json"])).stdout).runId;
    const text = await cli(["diff", first, second]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("config: same");
    expect(text.stdout).toMatch(/openai\/evil #1 {2}changed/);
    expect(text.stdout).toMatch(/openai\/fast #1 {2}same/);
    expect(text.stdout).toContain("+ Sydney.");
    const json = await cli(["diff", first, second, "--json"]);
    const diff = JSON.parse(json.stdout);
    expect(
      diff.rounds[0].members
        .filter((m: { change: string }) => m.change === "changed")
        .map((m: { member: string }) => m.member)
    ).toEqual(["openai/evil #1"]);
    const missing = await cli(["diff", first, "NOSUCHRUN"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("NOSUCHRUN");
  });
});
