import { DEFAULT_SUITE_THRESHOLD } from "../defaults.js";
import type { AssertionType } from "../types.js";
import { anyOf, array, describe, type Infer, integer, literals, object, string, unknown } from "./builder.js";
import { budgetUsd, fileName, fraction, modelParams, modelRef, providers, schemaKey } from "./shared.js";

// The suite file (targets, cases, assertions, threshold): the single source of the published schema and of RawSuite.

export const ASSERTION_TYPES = [
  "equals",
  "contains",
  "icontains",
  "starts-with",
  "regex",
  "is-json",
  "json-schema",
  "min-confidence",
  "max-latency-ms",
  "max-cost-usd",
  "llm-rubric"
] as const satisfies ReadonlyArray<AssertionType>;

const assertionTypes = [...ASSERTION_TYPES, ...ASSERTION_TYPES.map((type) => `not-${type}` as const)];

const assertion = object(
  "A check on a target's answer.",
  {
    type: literals(
      "equals, contains, icontains, starts-with, regex (text); is-json, json-schema; min-confidence (consortia); " +
        "max-latency-ms; max-cost-usd; llm-rubric (a judge model grades the answer). A not- prefix negates any type.",
      assertionTypes
    ),
    value: unknown(
      "What to check against: text for the text checks and the rubric for llm-rubric, a number for " +
        "min-confidence (0..1), max-latency-ms and max-cost-usd (the target's cost for the case, in USD), a JSON Schema object for json-schema; none for is-json."
    ),
    judge: describe(modelRef, "llm-rubric only: the judge model, instead of the suite's judge."),
    model: describe(modelRef, "llm-rubric only: another name for judge."),
    description: string("What this check is for, shown in reports.")
  },
  ["type"]
);

export const assertions = array("Checks every target's answer must pass.", assertion);

export const inlineCase = object(
  "A prompt and the checks its answers must pass.",
  {
    id: string("Stable name of the case, used by --filter, --shard and reports. Default: <file>:<line>.", {
      minLength: 1
    }),
    description: string("What this case is about."),
    prompt: string("The prompt sent to every target.", { minLength: 1 }),
    assert: assertions
  },
  ["prompt"]
);

const caseFile = object(
  "Cases read from a file beside this one: JSONL (one {id?, prompt, assert?} per line) or CSV " +
    "(a header with prompt and optional id and assert, the latter a JSON array).",
  {
    file: string("Path of a .jsonl or .csv file, relative to this suite file.", {
      pattern: "\\.(jsonl|csv)$",
      patternErrorMessage: "must be a .jsonl or .csv file"
    })
  },
  ["file"]
);

const modelTarget = object(
  "A single model as a baseline, with the default limits (timeout 120s, retries 3).",
  {
    model: describe(modelRef, "The model, as <provider>/<model>."),
    label: string("Name of this target in reports. Default: <provider>/<model>."),
    ...modelParams
  },
  ["model"]
);

export const suiteFile = object(
  "A prompt suite: cases run against consortia and single models, with checks on every answer.",
  {
    $schema: schemaKey,
    name: fileName("suite"),
    description: string("What this suite checks."),
    targets: array(
      "What answers the cases: consortium files (relative to this file) and/or single models.",
      anyOf("A consortium file path, or a single model in long form.", [
        string("Path of a consortium file, relative to this suite file.", {
          pattern: "\\.ya?ml$",
          patternErrorMessage: "must be the path of a consortium .yaml file; a single model is written {model: ...}"
        }),
        modelTarget
      ]),
      { minItems: 1 }
    ),
    threshold: fraction("Pass rate each target needs.", DEFAULT_SUITE_THRESHOLD),
    judge: describe(modelRef, "Judge model of llm-rubric assertions. Default: openai/gpt-4.1-mini."),
    providers,
    repeat: integer("Runs of each case on each target, for answers that vary from run to run.", {
      minimum: 1,
      default: 1
    }),
    case_threshold: fraction("Share of its repeats a case must pass to count as passed.", 1),
    budget_usd: budgetUsd(
      "Most the whole eval may spend, across every target, case and judge. Cases not started once it is reached " +
        "are reported as skipped and the eval fails."
    ),
    defaults: object("Settings every case gets.", {
      assert: describe(assertions, "Checks added to every case's own.")
    }),
    cases: array("The cases, inline or from files.", anyOf("A case, or a file of cases.", [inlineCase, caseFile]), {
      minItems: 1
    })
  },
  ["name", "targets", "cases"],
  { title: "consortium suite" }
);

export type RawSuite = Infer<typeof suiteFile>;
export type RawAssertion = Infer<typeof assertion>;
export type RawInlineCase = Infer<typeof inlineCase>;
