import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvalLog } from "../src/EvalLog.js";
import { renderJson } from "../src/report/json.js";
import { renderJunit } from "../src/report/junit.js";
import { renderMarkdown } from "../src/report/markdown.js";
import type { EvalReport } from "../src/report/types.js";
import { runSuite } from "../src/runner/runSuite.js";
import { loadSuite } from "./helpers.js";
import { parseXml } from "./xml.js";

// A model's answer is untrusted, and the eval's reports quote it: the failing answer, a provider's error
// message, a judge's reason. Whatever a model writes, the JUnit file stays XML a CI server reads, the
// Markdown summary keeps its tables and renders none of the model's HTML, and no report carries a control
// character a terminal would obey when a CI log or `cat` shows it.

/** Terminal escapes (C0 and C1: CSI, OSC 52 clipboard write, BEL), XML-forbidden characters, Markdown and HTML. */
const HOSTILE =
  "Sydney\u009b2J\u001b]52;c;ZXZpbA==\u0007 \u0085\u0000\ud800 ]]> | x ``` `tick` *bold* " +
  "</summary></details><img src=x onerror=alert(1)> <script>alert(1)</script> [click](javascript:alert(1)) &lt;\n" +
  "# heading\n- item\n1. first";

/** Any C0 or C1 control character but new line and tab, or DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let fake: FakeLlm;
let env: Record<string, string>;
let report: EvalReport;

beforeAll(async () => {
  fake = await startFakeLlm();
  env = { OPENAI_API_KEY: "sk-test-hostile", OPENAI_BASE_URL: fake.openaiBaseUrl };
  fake.script("solo", { text: HOSTILE });
  fake.script("broken", { fault: { type: "status", status: 400, message: HOSTILE } });
  fake.script("judge", { text: `<reason>${HOSTILE}</reason><verdict>fail</verdict>` });
  const dir = mkdtempSync(join(tmpdir(), "eval-hostile-"));
  const file = join(dir, "suite.yaml");
  writeFileSync(
    file,
    `name: hostile
targets: [{model: openai/solo}, {model: openai/broken}]
cases:
  - id: capital
    prompt: Capital of Australia?
    assert:
      - {type: equals, value: Canberra}
      - {type: llm-rubric, value: names Canberra, judge: openai/judge}
`
  );
  const suite = await Effect.runPromise(loadSuite(file));
  report = await Effect.runPromise(
    runSuite(suite, { env }).pipe(Effect.provide(Layer.mergeAll(layerLlmClient({ env }), RunLog.none, EvalLog.none)))
  );
});
afterAll(() => fake.close());

describe("eval reports quoting a hostile answer", () => {
  it("(the answer, the error and the judge's reason really are in the report)", () => {
    const [solo, broken] = report.cases[0]!.results;
    expect(solo?.output).toBe(HOSTILE);
    expect(solo?.assertions.map((assertion) => assertion.reason).join("\n")).toContain("\u009b2J");
    expect(broken?.error).toContain("\u009b2J");
  });

  it("JUnit: well-formed XML, no control characters, the answer still readable", () => {
    const xml = renderJunit(report);
    expect(parseXml(xml).problems).toEqual([]);
    expect(xml).not.toMatch(CONTROL);
    expect(xml).toContain("Sydney");
    expect(xml).toContain("&lt;script&gt;");
  });

  it("Markdown: no control characters, no HTML of the model's, tables and lists intact", () => {
    const markdown = renderMarkdown(report);
    expect(markdown).not.toMatch(CONTROL);
    // only the report's own tags, each once
    expect(markdown.match(/(?<!\\)<\/?[a-z]+/gi)).toEqual(["<details", "<summary", "</summary", "</details"]);
    expect(markdown).not.toContain("```");
    expect(markdown).not.toMatch(/(?<!\\)`tick/);
    expect(markdown).not.toMatch(/(?<!\\)\[click\]/);
    // every line is one of the report's own: its heading, verdict, table rows or list items
    for (const line of markdown.split("\n")) {
      if (line === "" || line.startsWith("### consortium eval") || /^(✅|❌)/.test(line)) continue;
      expect(line, line).toMatch(/^(\||- | {2}- |\*\*|<details><summary>|<\/details>)/);
    }
    const table = markdown.split("\n").filter((line) => line.startsWith("|"));
    const cells = (line: string) => line.replace(/\\\|/g, "").split("|").length;
    expect(new Set(table.slice(0, 4).map(cells)).size).toBe(1);
    expect(markdown).toContain("Sydney");
  });

  it("JSON: the exact answer after parsing, yet no raw control character in the file", () => {
    const json = renderJson(report);
    expect(json).not.toMatch(CONTROL);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(JSON.parse(json).cases[0].results[0].output).toBe(HOSTILE);
  });
});
