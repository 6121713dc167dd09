import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { consortium } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// A model's answer is untrusted, and a terminal obeys the control characters it is shown, also after a
// pipe (`show <id> | less -R`): every place that prints a model's words makes them inert, so the
// window title, the screen and hidden text are the user's, not the model's.

const ws = useFakeWorkspace("controls");
let db: string;
let file: string;

/** The member retitles the window and turns text red; the arbiter's synthesis clears the screen and hides text. */
const MEMBER = "Canberra.\u001b]0;pwned\u0007 \u001b[31mred\u001b[0m \u009b2J";
const SYNTHESIS = "Canberra.\u001b[2J\u001b[8mhidden\u001b[0m\r\nsecond\tline";

/** Any C0 or C1 control character but new line and tab. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const cli = (args: ReadonlyArray<string>) => consortium(args, { env: ws.env({ CONSORTIUM_DB: db }) });

const scriptHostile = () => {
  ws.fake.script("talker", { text: MEMBER });
  ws.fake.script("judge", { text: confidentReply(SYNTHESIS) });
};

beforeAll(() => {
  db = join(ws.dir, "controls.db");
  file = ws.writeConsortium("hostile", "members: [openai/talker]\narbiter: openai/judge\n");
});

const expectInert = (text: string, what: string) => {
  expect(text, what).not.toMatch(CONTROL);
  expect(text, what).toContain("Canberra.");
};

describe("control characters from models", () => {
  it("run's answer, its --raw transcript and its streamed answer are inert on a pipe", async () => {
    for (const extra of [[], ["--raw"], ["--stream"]]) {
      scriptHostile();
      const ran = await cli(["run", file, "Capital?", ...extra]);
      expect(ran.code, extra.join(" ")).toBe(0);
      expectInert(ran.stdout, `run ${extra.join(" ")}`);
      expect(ran.stdout).toContain("\uFFFD[8mhidden");
      expect(ran.stdout).toContain("\nsecond\tline");
    }
  });

  it("show and runs print the stored answers inert; --json keeps them exactly", async () => {
    scriptHostile();
    const ran = await cli(["run", file, "Capital?\u001b]0;title\u0007", "--json"]);
    expect(ran.code).toBe(0);
    // JSON escapes C0 itself, not DEL and C1: a `run --json` read in a terminal must not obey them either
    expect(ran.stdout, "run --json").not.toMatch(CONTROL);
    const { runId, iterations } = JSON.parse(ran.stdout);
    expect(iterations[0].responses[0].text).toBe(MEMBER);
    const shown = await cli(["show", runId]);
    expect(shown.code).toBe(0);
    expectInert(shown.stdout, "show");
    expect(shown.stdout).toContain("pwned");
    const listed = await cli(["runs", "--limit", "1"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toMatch(CONTROL);
    expect(listed.stdout).toContain("Capital?");
    const json = JSON.parse((await cli(["show", runId, "--json"])).stdout);
    expect(JSON.stringify(json)).toContain(JSON.stringify(MEMBER).slice(1, -1));
  });

  it("eval's report quotes a failing answer inert", async () => {
    ws.fake.script("solo", { text: "Sydney\u009b2J\u001b]52;c;ZXZpbA==\u0007" });
    const suite = ws.write(
      "suite.yaml",
      "name: hostile\ntargets: [{model: openai/solo}]\ncases:\n  - {id: capital, prompt: Capital?, assert: [{type: equals, value: Canberra}]}\n"
    );
    const evaluated = await cli(["eval", suite, "--quiet"]);
    expect(evaluated.code).toBe(1);
    expect(evaluated.stdout).toContain("Sydney");
    expect(evaluated.stdout + evaluated.stderr).not.toMatch(CONTROL);
  });
});
