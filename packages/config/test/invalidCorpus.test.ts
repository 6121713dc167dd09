import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type ConfigError, formatIssue, loadConsortiumFile, loadSuiteFile } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";

// The corpus of broken files: each must fail with exactly these messages at exactly these places
// (`line:col: /json/path message`; issues in other files are prefixed with that file).

const dir = fileURLToPath(new URL("./fixtures/invalid/", import.meta.url));

const EXPECTED: ReadonlyArray<readonly [file: string, issues: ReadonlyArray<string>]> = [
  ["arbiter-with-count.yaml", ['3:10: /arbiter has an instance count (":2") but the arbiter takes none: remove it']],
  ["bad-base-url.yaml", ["7:15: /providers/ollama/base_url must be an http:// or https:// URL"]],
  [
    "base-url-credentials.yaml",
    [
      "7:15: /providers/corp/base_url contains credentials (user:password@); never write them in a file: put the key in an environment variable and name that variable with api_key_env",
      "10:15: /providers/broken/base_url is not a valid URL"
    ]
  ],
  [
    "bad-duration.yaml",
    [
      '5:12: /limits/timeout must be a duration such as "500ms", "30s", "2m" or a number of seconds',
      "6:16: /limits/run_timeout must be >= 0"
    ]
  ],
  [
    "too-many-instances.yaml",
    ["2:10: /members add up to 100000 instances, more than limits.max_instances (256): raise it to run that many"]
  ],
  ["bad-name.yaml", ["1:7: /name must contain only letters, digits, - and _"]],
  [
    "bare-model.yaml",
    [
      '3:5: /members/0 "llama3.1:8b" names no provider: write <provider>/llama3.1:8b and declare that provider under providers (e.g. ollama/llama3.1:8b with providers.ollama); only gpt-*, o1*, o3*, o4* and claude-* imply one'
    ]
  ],
  ["continuation-line.yaml", ["3:5: /members/0 must be a model reference without spaces, e.g. openai/gpt-4.1-mini"]],
  [
    "count-twice.yaml",
    ["4:12: /members/0/count repeats the instance count already given after ':' in model: give one"]
  ],
  ["duplicate-key.yaml", ['5:1: duplicate key "max_iterations" (first defined on line 4): each key may appear once']],
  ["empty-members.yaml", ["2:10: /members must not be empty"]],
  ["empty.yaml", ["1:1: the file is empty: a consortium needs at least name, members and arbiter"]],
  [
    "fallback-unknown-provider.yaml",
    [
      '7:7: /arbiter/fallbacks/1 uses unknown provider "google": declare it under providers (known here: anthropic, openai)'
    ]
  ],
  [
    "key-in-api-key-env.yaml",
    [
      "6:18: /providers/openai/api_key_env looks like a literal API key; never write keys in a file: put the key in an environment variable and name that variable with api_key_env"
    ]
  ],
  ["limits-typo.yaml", ['5:3: /limits/timout is not allowed (did you mean "timeout"?)']],
  [
    "literal-api-key.yaml",
    [
      "8:5: /providers/openrouter/api_key a literal API key does not belong in a file: put the key in an environment variable and name that variable with api_key_env (e.g. api_key_env: OPENROUTER_API_KEY)"
    ]
  ],
  [
    "many-problems.yaml",
    [
      "1:7: /name must contain only letters, digits, - and _",
      '4:12: /members/1/model "mistral-large" names no provider: write <provider>/mistral-large and declare that provider under providers (e.g. ollama/mistral-large with providers.ollama); only gpt-*, o1*, o3*, o4* and claude-* imply one',
      '5:47: /arbiter/temprature is not allowed (did you mean "temperature"?)',
      "6:23: /confidence_threshold must be <= 1",
      "7:12: /anonymize must be true or false",
      "8:18: /limits/quorum must be >= 1",
      "8:30: /limits/retries must be >= 0"
    ]
  ],
  ["member-count-zero.yaml", ["5:12: /members/1/count must be >= 1"]],
  ["member-missing-model.yaml", ["3:5: /members/0/model is required"]],
  ["member-wrong-type.yaml", ["4:5: /members/1 must be a string or a map (key: value)"]],
  ["min-above-max.yaml", ["4:17: /min_iterations (4) must not exceed max_iterations (2)"]],
  ["missing-required.yaml", ["1:1: /arbiter is required", "1:1: /name is required"]],
  ["not-a-map.yaml", ["1:1: the file must be a YAML map of keys to values (name: ..., ...)"]],
  [
    "provider-name-slash.yaml",
    ["7:3: /providers/my~1provider is not a valid provider name: use letters, digits, '.', '-' and '_' (no '/')"]
  ],
  ["provider-type-enum.yaml", ["6:11: /providers/google/type must be one of: openai, anthropic"]],
  [
    "provider-without-type.yaml",
    [
      "6:5: /providers/ollama/type is required for a provider that is not built in: openai (chat completions) or anthropic (messages)"
    ]
  ],
  ["quorum-above-instances.yaml", ["7:11: /limits/quorum asks for 4 answers but the members have only 3 instances"]],
  [
    "suite-assertions.suite.yaml",
    [
      '8:16: /cases/0/assert/0/type must be one of: equals, contains, icontains, starts-with, regex, is-json, json-schema, min-confidence, max-latency-ms, max-cost-usd, llm-rubric, or any of them with a not- prefix (did you mean "icontains"?)',
      "9:30: /cases/0/assert/1/value is not a valid regular expression: /hel(lo/: Unterminated group",
      '10:16: /cases/0/assert/2/type min-confidence needs a consortium\'s confidence, but the target "openai/gpt-4.1-mini" is a single model: run this case on consortium targets only (a separate suite) or drop the assertion',
      "10:39: /cases/0/assert/2/value must be a confidence between 0 and 1 (write 0.8 for 80%)",
      "11:9: /cases/0/assert/3/value is required by llm-rubric assertions",
      '12:33: /cases/0/assert/4/value must be a string for contains (quote numbers: "42")',
      "13:45: /cases/0/assert/5/judge is only used by llm-rubric assertions"
    ]
  ],
  [
    "suite-bad-target.suite.yaml",
    [
      "cases/not-a-consortium.yaml:1:1: /arbiter is required",
      'cases/not-a-consortium.yaml:2:11: /members/0 "openai/gpt-4.1-mini:0": the instance count after ":" must be at least 1'
    ]
  ],
  [
    "suite-case-file-errors.suite.yaml",
    [
      '5:5: /targets/1 names target "baseline" a second time: give it a different label',
      "cases/broken.jsonl:2:45: invalid JSON: Expected ',' or '}' after property value",
      "cases/broken.jsonl:4:1: /prompt is required",
      'cases/broken.jsonl:5:50: /assert/0/type must be one of: equals, contains, icontains, starts-with, regex, is-json, json-schema, min-confidence, max-latency-ms, max-cost-usd, llm-rubric, or any of them with a not- prefix (did you mean "is-json"?)',
      'cases/broken.csv:1:11: unknown column "asert" (did you mean "assert"?): use id, prompt, assert, description'
    ]
  ],
  [
    "suite-confidence-single-model.suite.yaml",
    [
      '7:19: /defaults/assert/0/type min-confidence needs a consortium\'s confidence, but the targets "mini", "openai/gpt-4.1" are single models: run this case on consortium targets only (a separate suite) or drop the assertion',
      '13:16: /cases/0/assert/1/type min-confidence needs a consortium\'s confidence, but the targets "mini", "openai/gpt-4.1" are single models: run this case on consortium targets only (a separate suite) or drop the assertion',
      'cases/confidence.jsonl:1:1: /assert min-confidence needs a consortium\'s confidence, but the targets "mini", "openai/gpt-4.1" are single models: run this case on consortium targets only (a separate suite) or drop the assertion'
    ]
  ],
  [
    "suite-duplicate-ids.suite.yaml",
    [
      '7:9: /cases/1/id duplicate case id "capital" (first at suite-duplicate-ids.suite.yaml:5): ids must be unique',
      'cases/dupes.jsonl:1:1: /id duplicate case id "capital" (first at suite-duplicate-ids.suite.yaml:5): ids must be unique'
    ]
  ],
  [
    "suite-missing-files.suite.yaml",
    [
      "3:5: /targets/0 cannot read: no such file (missing-research.yaml)",
      "4:5: /targets/1 must be the path of a consortium .yaml file; a single model is written {model: ...}",
      "6:11: /cases/0/file cannot read: no such file (cases/absent.jsonl)"
    ]
  ],
  ["tab-indent.yaml", ["3:1: YAML syntax: Tabs are not allowed as indentation"]],
  ["temperature-range.yaml", ["4:18: /members/0/temperature must be <= 2", "5:12: /members/0/top_p must be <= 1"]],
  [
    "threshold-percent.yaml",
    ["4:23: /confidence_threshold must be <= 1 (a fraction, not a percentage: write 0.8 for 80%)"]
  ],
  ["unknown-key.yaml", ['4:1: /max_iteration is not allowed (did you mean "max_iterations"?)']],
  [
    "unknown-placeholder.yaml",
    [
      "9:17: /prompts/refine uses unknown placeholder {{refinement_area}} (did you mean {{refinement_areas}}?); a refine template may use {{prompt}}, {{previous_synthesis}}, {{refinement_areas}}, {{dissent}}, {{confidence}}, {{iteration}}"
    ]
  ],
  [
    "unknown-provider.yaml",
    [
      '3:5: /members/0 uses unknown provider "olama" (did you mean "ollama"?): declare it under providers (known here: anthropic, ollama, openai)'
    ]
  ],
  ["unresolved-alias.yaml", ["2:10: YAML: this alias (*name) refers to no anchor (&name) defined before it"]],
  ["yaml-syntax.yaml", ['6:1: YAML syntax: Missing closing "quote']],
  [
    "zero-count-shorthand.yaml",
    ['3:5: /members/0 "openai/gpt-4.1-mini:0": the instance count after ":" must be at least 1']
  ],
  ["zero-timeout.yaml", ["5:12: /limits/timeout must be more than 0"]]
];

const issuesOf = (file: string) => {
  const path = relative(process.cwd(), join(dir, file));
  const prefix = relative(process.cwd(), dir) + "/";
  const load: Effect.Effect<unknown, ConfigError> = file.endsWith(".suite.yaml")
    ? loadSuiteFile(path)
    : loadConsortiumFile(path);
  return Effect.flip(load).pipe(
    Effect.map((error) =>
      error.issues.map((issue) => {
        const line = formatIssue(issue).replaceAll(prefix, "");
        return line.startsWith(`${file}:`) ? line.slice(file.length + 1) : line;
      })
    )
  );
};

describe("invalid files", () => {
  it("the corpus has at least 25 files and every one has expectations", () => {
    const files = readdirSync(dir).filter((name) => name.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(new Set(EXPECTED.map(([file]) => file))).toEqual(new Set(files));
  });

  for (const [file, expected] of EXPECTED) {
    it.effect(file, () =>
      Effect.map(issuesOf(file), (actual) => {
        expect(actual).toEqual(expected);
      })
    );
  }
});
