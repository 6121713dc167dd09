import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../src/report/exitCode.js";
import { renderJson } from "../src/report/json.js";
import { renderJunit } from "../src/report/junit.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { percentile, summarizeTarget } from "../src/report/summarize.js";
import { renderTable } from "../src/report/table.js";
import { appendStepSummary } from "../src/stepSummary.js";
import { report, result } from "./fixtures.js";
import { parseXml } from "./xml.js";

const targets = [
  { target: "research", kind: "consortium" },
  { target: "gpt-4.1-mini", kind: "model" }
] as const;

const failing = { type: "icontains", pass: false, reason: 'output does not contain "canberra" (ignoring case)' };

const mixed = report(
  [
    {
      id: "capital",
      prompt: "Capital of Australia?",
      results: [
        result({ target: "research", confidence: 0.9, runId: "run-1", latencyMs: 2000 }),
        result({ target: "gpt-4.1-mini", output: "Sydney", assertions: [failing], latencyMs: 300 })
      ]
    },
    {
      id: "json",
      prompt: "Give JSON",
      results: [
        result({ target: "research", confidence: 0.7, runId: "run-2", latencyMs: 4000 }),
        result({ target: "gpt-4.1-mini", latencyMs: 500 })
      ]
    }
  ],
  targets
);

describe("summaries", () => {
  it("percentile is nearest-rank and picks an observed value", () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  });

  it("a target's summary: pass rate, mean confidence, latencies, tokens, and a cost marked incomplete when a part is unpriced", () => {
    const [research, single] = mixed.targets;
    expect(research).toMatchObject({ passed: 2, total: 2, passRate: 1, meetsThreshold: true, latencyP95Ms: 4000 });
    expect(research?.meanConfidence).toBeCloseTo(0.8);
    expect(research?.usage).toEqual({ inputTokens: 20, outputTokens: 10 });
    expect(single).toMatchObject({ passed: 1, passRate: 0.5, meetsThreshold: false, meanConfidence: null });
    const priced = summarizeTarget(
      "x",
      "model",
      [result({ target: "x", costUsd: 0.01 }), result({ target: "x", costUsd: 0.02 })],
      1
    );
    expect(priced.costUsd).toBeCloseTo(0.03);
    expect(priced.costComplete).toBe(true);
    const unpriced = summarizeTarget(
      "x",
      "model",
      [
        result({ target: "x", costUsd: 0.01 }),
        result({ target: "x" }),
        result({ target: "x", costUsd: 0.02, costComplete: false })
      ],
      1
    );
    expect(unpriced).toMatchObject({ costUsd: 0.03, costComplete: false, costPerCaseUsd: 0.01 });
  });

  it("says in the table, the Markdown and the JUnit properties that an interrupted report holds only what finished", () => {
    const stopped = report(
      [{ id: "one", prompt: "p", results: [result({ target: "x" })] }],
      [{ target: "x", kind: "model" }],
      {
        interrupted: { resultsPlanned: 3 }
      }
    );
    expect(renderMarkdown(stopped)).toContain("⏹ interrupted: 1 of 3 results done");
    expect(renderTable(stopped).split("\n")[0]).toContain("(interrupted: 1 of 3 results done)");
    expect(renderJunit(stopped)).toContain('<property name="interrupted" value="true"/>');
    expect(renderJunit(mixed)).not.toContain("interrupted");
  });

  it("shows a lower bound as one in the table, the Markdown and the JUnit properties", () => {
    const bound = report(
      [{ id: "one", prompt: "p", results: [result({ target: "x", costUsd: 0.0046, costComplete: false })] }],
      [{ target: "x", kind: "model" }]
    );
    expect(renderTable(bound, { color: false })).toMatch(/≥\$0\.0046\s+≥\$0\.0046/);
    expect(renderMarkdown(bound)).toContain("| ≥$0.0046 | ≥$0.0046 |");
    expect(renderJunit(bound)).toContain('<property name="costComplete" value="false"/>');
  });

  it("9 of 10 meets a 0.9 threshold despite float arithmetic", () => {
    const results = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? result({ target: "t", assertions: [failing] }) : result({ target: "t" })
    );
    expect(summarizeTarget("t", "model", results, 0.9).meetsThreshold).toBe(true);
    expect(summarizeTarget("t", "model", results, 0.91).meetsThreshold).toBe(false);
  });
});

describe("exitCodeFor", () => {
  it("0 when every target meets the threshold, 1 when one does not", () => {
    expect(exitCodeFor(mixed)).toBe(1);
    expect(exitCodeFor(report(mixed.cases, targets, { threshold: 0.5 }))).toBe(0);
  });

  it("2 on a replay miss, even when the threshold would forgive the failed case", () => {
    const missed = report(
      [
        {
          id: "capital",
          prompt: "?",
          results: [result({ target: "research", error: "replay miss: …", replayMisses: ["replay miss: …"] })]
        },
        { id: "other", prompt: "?", results: [result({ target: "research" })] }
      ],
      [targets[0]],
      { threshold: 0.5 }
    );
    expect(missed.targets[0]?.meetsThreshold).toBe(true);
    expect(exitCodeFor(missed)).toBe(2);
  });
});

describe("renderTable", () => {
  const text = renderTable(mixed);

  it("puts the targets side by side with their numbers", () => {
    const lines = text.split("\n");
    const header = lines.find((line) => line.startsWith("target"));
    expect(header).toMatch(/passed\s+rate\s+confidence\s+p50\s+p95\s+tokens in\/out\s+cost/);
    expect(lines.find((line) => line.startsWith("research"))).toMatch(
      /research\s+consortium\s+2\/2\s+100\.0%\s+0\.80\s+2\.0s\s+4\.0s\s+20\/10\s+no price\s+no price\s+ok/
    );
    expect(lines.find((line) => line.startsWith("gpt-4.1-mini"))).toMatch(/1\/2\s+50\.0%\s+-.*BELOW THRESHOLD/);
  });

  it("lists the cases where the targets differ, and every failure with its reason", () => {
    expect(text).toMatch(
      /cases where the targets differ:\n\s+case\s+research\s+gpt-4.1-mini\n\s+capital\s+pass\s+FAIL\n/
    );
    expect(text).not.toMatch(/^\s+json\s+pass/m);
    expect(text).toContain(
      '✗ capital [gpt-4.1-mini]\n      icontains: output does not contain "canberra" (ignoring case)'
    );
    expect(text).toMatch(/below threshold: gpt-4.1-mini\n$/);
  });

  it("colours only when asked", () => {
    expect(text).not.toContain("\u001b[");
    expect(renderTable(mixed, { color: true })).toContain("\u001b[31m");
  });
});

describe("renderJunit", () => {
  const nasty = "a < b && c > \"d\" 'e' ]]> \u0007 bell \ud800 lone";
  const withNasty = report(
    [
      ...mixed.cases,
      {
        id: 'weird <"id"> & co',
        prompt: "?",
        results: [
          result({ target: "research", output: nasty, error: `arbiter failed: ${nasty}` }),
          result({ target: "gpt-4.1-mini", output: nasty, assertions: [{ ...failing, reason: nasty }] })
        ]
      }
    ],
    targets
  );
  const xml = renderJunit(withNasty);
  const { problems, root } = parseXml(xml);

  it("(the checker used here does reject broken XML)", () => {
    expect(parseXml('<?xml version="1.0"?><a b="<">x</a>').problems).not.toEqual([]);
    expect(parseXml('<?xml version="1.0"?><a>x & y</a>').problems).not.toEqual([]);
    expect(parseXml('<?xml version="1.0"?><a><b></a>').problems).not.toEqual([]);
    expect(parseXml('<?xml version="1.0"?><a>\u0007</a>').problems).not.toEqual([]);
  });

  it("is well-formed XML even with hostile model output", () => {
    expect(problems).toEqual([]);
    expect(xml).not.toContain("\u0007");
  });

  it("has one testsuite per target and one testcase per case, with counts", () => {
    expect(root?.name).toBe("testsuites");
    expect(root?.attributes).toMatchObject({ name: "smoke", tests: "6", failures: "2", errors: "1" });
    const suites = root?.children.filter((child) => child.name === "testsuite") ?? [];
    expect(suites.map((suite) => suite.attributes.name)).toEqual(["smoke / research", "smoke / gpt-4.1-mini"]);
    expect(suites[0]?.attributes).toMatchObject({ tests: "3", failures: "0", errors: "1" });
    expect(suites[1]?.attributes).toMatchObject({ tests: "3", failures: "2", errors: "0" });
    const cases = suites[1]?.children.filter((child) => child.name === "testcase") ?? [];
    expect(cases.map((testcase) => testcase.attributes.name)).toEqual(["capital", "json", 'weird <"id"> & co']);
    expect(cases[0]?.attributes.classname).toBe("smoke.gpt-4.1-mini");
  });

  it("a failure carries the failed assertions; an error carries the run error", () => {
    const suites = root?.children.filter((child) => child.name === "testsuite") ?? [];
    const capital = suites[1]?.children.find((child) => child.attributes.name === "capital");
    const failure = capital?.children.find((child) => child.name === "failure");
    expect(failure?.attributes.message).toBe('icontains: output does not contain "canberra" (ignoring case)');
    const weird = suites[0]?.children.find((child) => child.attributes.name === 'weird <"id"> & co');
    const error = weird?.children.find((child) => child.name === "error");
    expect(error?.attributes.message).toContain('arbiter failed: a < b && c > "d"');
    const passing = suites[0]?.children.find((child) => child.attributes.name === "capital");
    expect(passing?.children.map((child) => child.name)).toEqual(["system-out"]);
    expect(passing?.children[0]?.text).toContain("run: run-1");
  });
});

describe("renderMarkdown and the step summary", () => {
  it("renders the targets table, the differing cases and the failures", () => {
    const markdown = renderMarkdown(mixed);
    expect(markdown).toContain("| research | consortium | 2/2 | 100.0% | 0.80 |");
    expect(markdown).toContain("| capital | ✅ | ❌ |");
    expect(markdown).toContain("❌ below threshold");
    expect(markdown).toContain("- `capital` on **gpt-4.1-mini**");
  });

  it("escapes table pipes in names", () => {
    const piped = report(
      [{ id: "a|b", prompt: "?", results: [result({ target: "x|y" })] }],
      [{ target: "x|y", kind: "model" }]
    );
    expect(renderMarkdown(piped)).toContain("| x\\|y | model |");
  });

  it("appends to $GITHUB_STEP_SUMMARY when set, and does nothing when not", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "eval-summary-")), "summary.md");
    writeFileSync(file, "earlier step\n");
    await Effect.runPromise(appendStepSummary(mixed, file));
    await Effect.runPromise(appendStepSummary(mixed, undefined));
    const written = readFileSync(file, "utf8");
    expect(written.startsWith("earlier step\n### consortium eval: smoke")).toBe(true);
  });

  it("renderJson is the whole report", () => {
    expect(JSON.parse(renderJson(mixed))).toEqual(JSON.parse(JSON.stringify(mixed)));
  });
});
