import { safeText } from "@consortium/engine";
import type { CaseReport, CaseTargetResult } from "./types.js";

// Small shared renderings so the terminal table, Markdown and JUnit say the same thing the same way.

/** Targets that left cases unrun because the eval's budget was reached, for the verdict line. */
export const skippedNote = (targets: ReadonlyArray<{ readonly target: string; readonly skipped: number }>): string => {
  const cut = targets.filter((target) => target.skipped > 0);
  return cut.length === 0
    ? ""
    : `budget reached: ${cut.map((target) => `${target.target} skipped ${target.skipped}`).join(", ")}`;
};

export const formatTokens = (usage: { readonly inputTokens: number; readonly outputTokens: number }): string =>
  `${usage.inputTokens}/${usage.outputTokens}`;

/**
 * Why a result failed, one line per failed assertion (or the run's error). The reasons quote the
 * model's answer, so they are made inert for a terminal before any colour is added.
 */
export const failureLines = (result: CaseTargetResult): ReadonlyArray<string> =>
  [
    ...(result.repeats === undefined
      ? []
      : [
          `repeats: ${result.repeats.passed}/${result.repeats.runs} passed (assertions shown: the first run that answered)`
        ]),
    ...(result.error === null ? [] : [`error: ${result.error}`]),
    ...result.assertions
      .filter((assertion) => !assertion.pass)
      .map((assertion) => `${assertion.type}: ${assertion.reason}`)
  ].map(safeText);

/** Cases where at least one target passed and another failed: where the consortium earns its keep, or not. */
export const differingCases = (cases: ReadonlyArray<CaseReport>): ReadonlyArray<CaseReport> =>
  cases.filter(
    (suiteCase) => suiteCase.results.some((result) => result.pass) && suiteCase.results.some((result) => !result.pass)
  );

export const failedResults = (
  cases: ReadonlyArray<CaseReport>
): ReadonlyArray<{ readonly caseId: string; readonly result: CaseTargetResult }> =>
  cases.flatMap((suiteCase) =>
    suiteCase.results.filter((result) => !result.pass).map((result) => ({ caseId: suiteCase.id, result }))
  );
