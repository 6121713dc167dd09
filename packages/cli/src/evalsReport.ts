import { formatRate, oneLine } from "@consortium/engine/text";
import { type EvalSummary, formatTime, type StoredEval, shardLines } from "@consortium/store";
import { formatTable } from "./table.js";

// `consortium evals` and `consortium show <eval-id>`: past evals read back from the store.

const ANSWER_WIDTH = 80;

const percent = (passed: number, total: number): string => (total === 0 ? "-" : formatRate(passed / total));

export const formatEvalsTable = (evals: ReadonlyArray<EvalSummary>): string =>
  evals.length === 0
    ? "no evals recorded yet: run `consortium eval <suite.yaml>`"
    : formatTable(
        ["ID", "SUITE", "STATUS", "STARTED (UTC)", "PASSED", "RATE"],
        evals.map((e) => [
          e.id,
          e.suite,
          e.status,
          formatTime(e.startedAt),
          `${e.passed}/${e.results}`,
          percent(e.passed, e.results)
        ])
      );

/** One eval: where it came from, each target's pass rate, then every failing case. */
export const formatEval = (stored: StoredEval): string => {
  const targets = new Map<string, { passed: number; total: number }>();
  for (const result of stored.results) {
    const entry = targets.get(result.target) ?? { passed: 0, total: 0 };
    targets.set(result.target, { passed: entry.passed + (result.passed ? 1 : 0), total: entry.total + 1 });
  }
  const failing = stored.results.filter((result) => !result.passed);
  const lines = [
    `eval ${stored.id}  suite ${stored.suite}  ${stored.status}`,
    ...shardLines(stored),
    `started ${formatTime(stored.startedAt)}${stored.endedAt === null ? "" : `, ended ${formatTime(stored.endedAt)}`}` +
      (stored.gitCommit === null ? "" : `, git ${stored.gitCommit.slice(0, 12)}${stored.gitDirty ? " (dirty)" : ""}`),
    "",
    formatTable(
      ["TARGET", "PASSED", "RATE"],
      [...targets].map(([target, { passed, total }]) => [target, `${passed}/${total}`, percent(passed, total)])
    )
  ];
  if (failing.length > 0) {
    lines.push("", `failing (${failing.length}):`);
    for (const result of failing) {
      lines.push(
        `  ${result.caseId}  ${result.target}${result.runId === null ? "" : `  run ${result.runId}`}`,
        `    ${result.error === null ? `answer: ${oneLine(result.output ?? "", ANSWER_WIDTH)}` : `error: ${oneLine(result.error, ANSWER_WIDTH)}`}`
      );
    }
  }
  return lines.join("\n");
};
