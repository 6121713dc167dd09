import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Reply } from "@consortium/testkit";

// The files the scenarios run (written to a temp folder) and the fake's scripted replies. Every model
// answers the same way each time, so a run's length is set by the scripted latencies alone.

export const MEMBER_TEXT = "Canberra is the capital of Australia; Sydney is larger but is not the capital.";

export const arbiterText = (confidence: number, needsIteration: boolean): string =>
  [
    "<synthesis>Canberra is the capital of Australia.</synthesis>",
    `<confidence>${confidence}</confidence>`,
    "<analysis>Every answer names Canberra.</analysis>",
    "<dissent>None.</dissent>",
    `<needs_iteration>${needsIteration}</needs_iteration>`,
    "<refinement_areas><area>Say why Sydney is often mistaken for the capital.</area></refinement_areas>"
  ].join("\n");

export const member = (latencyMs: number): Reply => ({ text: MEMBER_TEXT, latencyMs });
export const unsureArbiter = (latencyMs: number): Reply => ({ text: arbiterText(0.55, true), latencyMs });
export const confidentArbiter = (latencyMs: number): Reply => ({ text: arbiterText(0.92, false), latencyMs });

export const RUN_MEMBERS = 8;
export const SUITE_MEMBERS = ["bench-a", "bench-b", "bench-c"] as const;
export const ARBITER = "bench-arbiter";
export const RUN_MEMBER = "bench-member";
export const SINGLE = "bench-single";
export const PROMPT = "What is the capital of Australia?";

export interface Fixtures {
  readonly dir: string;
  /** 8 instances of one member model, arbiter unsure once then confident: two iterations. */
  readonly runConsortium: string;
  /** 3 members and an arbiter, -j cases at a time. */
  readonly consortiumSuite: string;
  /** The same cases on one model alone: what promptfoo runs too. */
  readonly singleSuite: string;
  readonly promptfooConfig: string;
  readonly cases: number;
}

const caseOf = (index: number) => ({
  id: `case-${String(index + 1).padStart(4, "0")}`,
  prompt: `Question ${index + 1}: ${PROMPT}`,
  assert: [{ type: "icontains", value: "canberra" }]
});

export const writeFixtures = (dir: string, cases: number, openaiBaseUrl: string): Fixtures => {
  mkdirSync(dir, { recursive: true });
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const runConsortium = file(
    "bench-run.yaml",
    [
      "name: bench-run",
      "members:",
      `  - openai/${RUN_MEMBER}:${RUN_MEMBERS}`,
      `arbiter: openai/${ARBITER}`,
      "confidence_threshold: 0.8",
      "min_iterations: 1",
      "max_iterations: 3",
      "limits:",
      `  concurrency: ${RUN_MEMBERS}`,
      ""
    ].join("\n")
  );
  file(
    "bench-suite-consortium.yaml",
    [
      "name: bench-suite-consortium",
      "members:",
      ...SUITE_MEMBERS.map((model) => `  - openai/${model}`),
      `arbiter: openai/${ARBITER}`,
      "max_iterations: 3",
      ""
    ].join("\n")
  );
  const all = Array.from({ length: cases }, (_, index) => caseOf(index));
  file("cases.jsonl", `${all.map((one) => JSON.stringify(one)).join("\n")}\n`);
  const suite = (name: string, target: string): string =>
    [`name: ${name}`, "targets:", `  - ${target}`, "threshold: 1", "cases:", "  - file: cases.jsonl", ""].join("\n");
  const consortiumSuite = file("suite-consortium.yaml", suite("bench-consortium", "./bench-suite-consortium.yaml"));
  const singleSuite = file("suite-single.yaml", suite("bench-single", `{model: openai/${SINGLE}}`));

  // promptfoo: the same cases, prompt and assertion, on the same model at the same fake
  file(
    "promptfoo-tests.json",
    JSON.stringify(all.map((one) => ({ vars: { prompt: one.prompt }, assert: one.assert })))
  );
  const promptfooConfig = file(
    "promptfooconfig.yaml",
    [
      "description: bench-single",
      "prompts:",
      '  - "{{prompt}}"',
      "providers:",
      `  - id: openai:chat:${SINGLE}`,
      "    config:",
      `      apiBaseUrl: ${openaiBaseUrl}`,
      "tests: file://promptfoo-tests.json",
      ""
    ].join("\n")
  );
  return { dir, runConsortium, consortiumSuite, singleSuite, promptfooConfig, cases };
};
