import type { Problem } from "../problem.js";
import { assertionListProblems } from "./assertions.js";
import { confidenceTargetProblems, singleModelTargets } from "./confidenceTargets.js";
import { asArray, asRecord, isRecord } from "./data.js";
import { knownProviders, modelRefProblem } from "./modelRefs.js";
import { providerProblems } from "./providers.js";

// What the schema cannot say about a suite file itself. Referenced consortium files and case files are
// checked when they are loaded (they need I/O).

export const suiteProblems = (data: unknown): Array<Problem> => {
  if (!isRecord(data)) return [];
  const known = knownProviders(data.providers);
  const problems: Array<Problem> = [...providerProblems(data.providers, ["providers"])];
  asArray(data.targets).forEach((target, index) => {
    if (!isRecord(target)) return;
    const problem = modelRefProblem(target.model, ["targets", index, "model"], known, {
      countAllowed: false,
      what: "a single-model target"
    });
    if (problem !== undefined) problems.push(problem);
  });
  const judge = modelRefProblem(data.judge, ["judge"], known, { countAllowed: false, what: "a judge" });
  if (judge !== undefined) problems.push(judge);
  const singles = singleModelTargets(data.targets);
  problems.push(...assertionListProblems(asRecord(data.defaults).assert, ["defaults", "assert"], known));
  problems.push(...confidenceTargetProblems(asRecord(data.defaults).assert, ["defaults", "assert"], singles));
  asArray(data.cases).forEach((testCase, index) => {
    problems.push(...assertionListProblems(asRecord(testCase).assert, ["cases", index, "assert"], known));
    problems.push(...confidenceTargetProblems(asRecord(testCase).assert, ["cases", index, "assert"], singles));
  });
  return problems;
};
