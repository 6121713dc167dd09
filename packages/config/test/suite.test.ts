import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_JUDGE, formatIssue, loadSuiteFile, loadTarget } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** A throw-away folder with these files in it. */
const folder = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), "consortium-suite-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

const messages = (dir: string, file = "suite.yaml") =>
  Effect.flip(loadSuiteFile(join(dir, file))).pipe(
    Effect.map((error) => error.issues.map((issue) => formatIssue(issue).replaceAll(`${dir}/`, "")))
  );

describe("suite files", () => {
  it.effect("loads the example: targets, cases from the file beside it, defaults appended, judges filled", () =>
    Effect.gen(function* () {
      const suite = yield* loadSuiteFile(join(repo, "examples/suites/smoke.yaml"));
      expect(suite.name).toBe("smoke");
      expect(suite.threshold).toBe(0.9);
      expect(suite.targets.map((target) => (target.kind === "model" ? target.label : target.config.name))).toEqual([
        "research",
        "gpt-4.1-mini alone"
      ]);
      expect(suite.targets[0]).toMatchObject({ kind: "consortium", file: join(repo, "consortia/research.yaml") });
      expect(suite.cases.map((testCase) => testCase.id)).toEqual([
        "capital",
        "boiling-point",
        "json-answer",
        "seasons",
        "primes",
        "author",
        "smoke.cases.jsonl:3"
      ]);
      const capital = suite.cases[0]!;
      expect(capital.assert).toEqual([
        { type: "icontains", negate: false, value: "canberra" },
        { type: "icontains", negate: true, value: "as an ai" }
      ]);
      const rubric = suite.cases[3]!.assert[0]!;
      expect(rubric).toMatchObject({ type: "llm-rubric", judge: { provider: "openai", model: "gpt-4.1" } });
      expect(suite.judge).toEqual({ provider: "openai", model: "gpt-4.1" });
      expect(suite.providers.openai?.apiKeyEnv).toBe("OPENAI_API_KEY");
    })
  );

  it.effect(
    "reads CSV cases: quoted commas, doubled quotes, line breaks, assert as JSON; ids default to file:line",
    () =>
      Effect.gen(function* () {
        const dir = folder({
          "suite.yaml": `name: csv
targets: [{model: openai/gpt-4.1-mini}]
providers: {local: {type: openai, base_url: "http://localhost:1/v1"}}
cases:
  - prompt: inline one
  - file: cases.csv
`,
          "cases.csv": [
            "prompt,id,assert",
            '"Hello, world",greet,"[{""type"": ""contains"", ""value"": ""hi""}]"',
            '"two',
            'lines",,',
            "",
            'judge me,,"[{""type"": ""llm-rubric"", ""value"": ""polite"", ""judge"": ""local/x""}]"'
          ].join("\r\n")
        });
        const suite = yield* loadSuiteFile(join(dir, "suite.yaml"));
        expect(suite.cases.map((testCase) => [testCase.id, testCase.prompt])).toEqual([
          ["suite.yaml:5", "inline one"],
          ["greet", "Hello, world"],
          ["cases.csv:3", "two\r\nlines"],
          ["cases.csv:6", "judge me"]
        ]);
        expect(suite.cases[1]!.assert).toEqual([{ type: "contains", negate: false, value: "hi" }]);
        expect(suite.cases[3]!.assert[0]!.judge).toEqual({ provider: "local", model: "x" });
        expect(suite.threshold).toBe(1);
        expect(suite.judge).toBeUndefined();
      })
  );

  it.effect("an llm-rubric without any judge gets the default judge", () =>
    Effect.gen(function* () {
      const dir = folder({
        "suite.yaml": `name: j
targets: [{model: claude-sonnet-4-5}]
cases:
  - {prompt: hi, assert: [{type: not-llm-rubric, value: rude}, {type: llm-rubric, value: kind, model: claude-haiku-4-5}]}
`
      });
      const suite = yield* loadSuiteFile(join(dir, "suite.yaml"));
      const [rude, kind] = suite.cases[0]!.assert;
      expect(rude).toEqual({
        type: "llm-rubric",
        negate: true,
        value: "rude",
        judge: { provider: "openai", model: DEFAULT_JUDGE.split("/")[1] }
      });
      expect(kind?.judge).toEqual({ provider: "anthropic", model: "claude-haiku-4-5" });
      expect(suite.targets[0]).toEqual({
        kind: "model",
        ref: { provider: "anthropic", model: "claude-sonnet-4-5" },
        label: "anthropic/claude-sonnet-4-5"
      });
    })
  );

  it.effect("reports problems in the suite and in every file it refers to, all at once", () =>
    Effect.gen(function* () {
      const dir = folder({
        "suite.yaml": `name: many
targets:
  - bad.yaml
  - model: openai/gpt-4.1-mini:2
threshold: 95
cases:
  - file: cases.jsonl
  - {id: a, prompt: x}
`,
        "bad.yaml": "name: bad\nmembers: [openai/gpt-4.1-mini]\narbiter: openai/gpt-4.1\nconfidence_threshold: 2\n",
        "cases.jsonl": '{"id": "a", "prompt": "first"}\n{"prompt": ""}\n'
      });
      expect(yield* messages(dir)).toEqual([
        'suite.yaml:4:12: /targets/1/model has an instance count (":2") but a single-model target takes none: remove it',
        "suite.yaml:5:12: /threshold must be <= 1 (a fraction, not a percentage: write 0.95 for 95%)",
        'suite.yaml:8:10: /cases/1/id duplicate case id "a" (first at cases.jsonl:1): ids must be unique',
        "bad.yaml:4:23: /confidence_threshold must be <= 1 (a fraction, not a percentage: write 0.02 for 2%)",
        "cases.jsonl:2:2: /prompt must not be empty"
      ]);
    })
  );

  it.effect("regex values are checked the way eval compiles them: a pattern, or /pattern/flags", () =>
    Effect.gen(function* () {
      const dir = folder({
        "suite.yaml": `name: r
targets: [{model: gpt-4.1}]
cases:
  - prompt: hi
    assert:
      - {type: regex, value: "/canberra/i"}
      - {type: not-regex, value: '^\\d+$'}
      - {type: regex, value: "/a/uv"}
`
      });
      const [issue] = yield* messages(dir);
      expect(issue).toMatch(/^suite\.yaml:8:30: \/cases\/0\/assert\/2\/value is not a valid regular expression: /);
      expect(yield* messages(dir)).toHaveLength(1);
    })
  );

  it.effect("an empty case file is an error, not a silently smaller suite", () =>
    Effect.gen(function* () {
      const dir = folder({
        "suite.yaml": "name: e\ntargets: [{model: gpt-4.1}]\ncases:\n  - file: none.jsonl\n",
        "none.jsonl": "\n\n"
      });
      expect(yield* messages(dir)).toEqual(["suite.yaml:4:11: /cases/0/file none.jsonl has no cases"]);
    })
  );
});

describe("loadTarget (--target)", () => {
  it.effect("a model reference is a single-model target, a name or path a consortium", () =>
    Effect.gen(function* () {
      expect(yield* loadTarget("openai/gpt-4.1-mini", { cwd: repo })).toEqual({
        kind: "model",
        ref: { provider: "openai", model: "gpt-4.1-mini" },
        label: "openai/gpt-4.1-mini"
      });
      expect(yield* loadTarget("gpt-4.1", { cwd: repo })).toMatchObject({ kind: "model", label: "openai/gpt-4.1" });
      const byName = yield* loadTarget("research", { cwd: repo });
      expect(byName).toMatchObject({ kind: "consortium", file: join(repo, "consortia/research.yaml") });
      const byPath = yield* loadTarget("examples/local/vllm.yaml", { cwd: repo });
      expect(byPath.kind === "consortium" && byPath.config.name).toBe("vllm");
      const unknown = yield* Effect.flip(loadTarget("ollama/qwen2.5:7b", { cwd: repo }));
      expect(unknown.issues[0]!.message).toContain('unknown provider "ollama"');
      const missing = yield* Effect.flip(loadTarget("nonesuch", { cwd: repo }));
      expect(formatIssue(missing.issues[0]!)).toBe("consortia/nonesuch.yaml: cannot read: no such file");
    })
  );

  it.effect("a consortium file that exists wins over a name that looks like a model", () =>
    Effect.gen(function* () {
      const dir = folder({});
      mkdirSync(join(dir, "consortia"));
      writeFileSync(
        join(dir, "consortia", "gpt-panel.yaml"),
        "name: gpt-panel\nmembers: [openai/gpt-5.1-mini:2]\narbiter: openai/gpt-5.4\n"
      );
      expect(yield* loadTarget("gpt-panel", { cwd: dir })).toMatchObject({ kind: "consortium" });
      expect(yield* loadTarget("gpt-other", { cwd: dir })).toMatchObject({ kind: "model", label: "openai/gpt-other" });
    })
  );
});

describe("paths written in a suite", () => {
  it.effect("an absolute target or case file path is taken as it is (case files elsewhere when allowed)", () =>
    Effect.gen(function* () {
      const elsewhere = folder({
        "duo.yaml": "name: duo\nmembers: [openai/gpt-5.1-mini]\narbiter: openai/gpt-5.4\n",
        "cases.jsonl": '{"id": "a", "prompt": "hi"}\n'
      });
      const dir = folder({
        "suite.yaml": `name: s\ntargets: [${join(elsewhere, "duo.yaml")}]\ncases: [{file: ${join(elsewhere, "cases.jsonl")}}]\n`
      });
      const suite = yield* loadSuiteFile(join(dir, "suite.yaml"), { allowOutside: true });
      expect(suite.targets.map((t) => t.kind === "consortium" && t.config.name)).toEqual(["duo"]);
      expect(suite.cases.map((c) => c.id)).toEqual(["a"]);
    })
  );
});
