import type { EvalReport } from "@consortium/eval";
import type { StoredEval } from "@consortium/store";

// One eval as a cases × targets matrix, from either source: the report in memory (`eval --html`) or
// the database (the viewer, where an eval still running has only some of its results).

export interface AssertionView {
  readonly type: string;
  readonly pass: boolean;
  readonly reason: string;
}

export interface CellView {
  readonly target: string;
  readonly pass: boolean;
  readonly output: string;
  readonly confidence: number | null;
  readonly latencyMs: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly costUsd: number | null;
  /** False when some call had no price: costUsd is then the priced part, a lower bound. */
  readonly costComplete: boolean;
  readonly runId: string | null;
  readonly status: string | null;
  readonly error: string | null;
  readonly assertions: ReadonlyArray<AssertionView>;
}

export interface CaseView {
  readonly id: string;
  readonly prompt: string | null;
  /** One per target in `targets` order; null where that target has no result yet. */
  readonly cells: ReadonlyArray<CellView | null>;
}

export interface TargetTotals {
  readonly target: string;
  readonly total: number;
  readonly passed: number;
  readonly costUsd: number | null;
  /** False when some call had no price: costUsd is then the priced part, a lower bound. */
  readonly costComplete: boolean;
  readonly meetsThreshold: boolean | null;
}

export interface EvalMatrix {
  readonly id: string;
  readonly suite: string;
  readonly status: string;
  readonly threshold: number | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly targets: ReadonlyArray<string>;
  readonly cases: ReadonlyArray<CaseView>;
  readonly totals: ReadonlyArray<TargetTotals>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Stored assertions are JSON of the eval's AssertionResult list; read them without trusting the shape. */
export const assertionsOf = (value: unknown): ReadonlyArray<AssertionView> =>
  Array.isArray(value)
    ? value.filter(isRecord).map((entry) => ({
        type: String(entry.type ?? "?"),
        pass: entry.pass === true,
        reason: typeof entry.reason === "string" ? entry.reason : ""
      }))
    : [];

const totalsOf = (
  targets: ReadonlyArray<string>,
  cases: ReadonlyArray<CaseView>,
  threshold: number | null
): ReadonlyArray<TargetTotals> =>
  targets.map((target, index) => {
    const cells = cases.flatMap((one) => {
      const cell = one.cells[index];
      return cell === null || cell === undefined ? [] : [cell];
    });
    const passed = cells.filter((cell) => cell.pass).length;
    const costs = cells.map((cell) => cell.costUsd);
    return {
      target,
      total: cells.length,
      passed,
      // an unpriced result leaves the priced rest as a lower bound
      costUsd: costs.some((c) => c !== null) ? costs.reduce<number>((a, c) => a + (c ?? 0), 0) : null,
      costComplete: cells.every((cell) => cell.costComplete),
      meetsThreshold: threshold === null ? null : cells.length === 0 || passed >= threshold * cells.length - 1e-9
    };
  });

export const matrixFromReport = (report: EvalReport, status: string): EvalMatrix => {
  const targets = report.targets.map((target) => target.target);
  const cases = report.cases.map((one) => ({
    id: one.id,
    prompt: one.prompt,
    cells: targets.map((target): CellView | null => {
      const result = one.results.find((candidate) => candidate.target === target);
      if (result === undefined) return null;
      return {
        target,
        pass: result.pass,
        output: result.output,
        confidence: result.confidence,
        latencyMs: result.latencyMs,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        costUsd: result.costUsd,
        costComplete: result.costComplete !== false && result.costUsd !== null,
        runId: result.runId,
        status: result.status,
        error: result.error,
        assertions: assertionsOf(result.assertions)
      };
    })
  }));
  return {
    id: report.evalId,
    suite: report.suite,
    status,
    threshold: report.threshold,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    targets,
    cases,
    totals: report.targets.map((target) => ({
      target: target.target,
      total: target.total,
      passed: target.passed,
      costUsd: target.costUsd,
      costComplete: target.costComplete,
      meetsThreshold: target.meetsThreshold
    }))
  };
};

const stringList = (value: unknown): ReadonlyArray<string> =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];

/** From the database: the rows recorded so far, in the order the eval declared its targets and cases. */
export const matrixFromStored = (stored: StoredEval): EvalMatrix => {
  const config = isRecord(stored.config) ? stored.config : {};
  const report = isRecord(stored.summary) && Array.isArray(stored.summary.cases) ? stored.summary : null;
  const prompts = new Map<string, string>();
  for (const one of Array.isArray(report?.cases) ? report.cases : []) {
    if (isRecord(one) && typeof one.id === "string" && typeof one.prompt === "string") prompts.set(one.id, one.prompt);
  }
  const targets = [...new Set([...stringList(config.targets), ...stored.results.map((result) => result.target)])];
  const caseIds = [...new Set([...stringList(config.caseIds), ...stored.results.map((result) => result.caseId)])];
  const byKey = new Map(stored.results.map((result) => [`${result.caseId}\u0000${result.target}`, result]));
  const cases = caseIds.map((id) => ({
    id,
    prompt: prompts.get(id) ?? null,
    cells: targets.map((target): CellView | null => {
      const result = byKey.get(`${id}\u0000${target}`);
      if (result === undefined) return null;
      return {
        target,
        pass: result.passed,
        output: result.output ?? "",
        confidence: result.confidence,
        latencyMs: result.latencyMs,
        inputTokens: result.inputTokens,
        outputTokens: result.outputTokens,
        costUsd: result.costUsd,
        costComplete: result.costUsd !== null,
        runId: result.runId,
        status: result.status,
        error: result.error,
        assertions: assertionsOf(result.assertions)
      };
    })
  }));
  const threshold = typeof config.threshold === "number" ? config.threshold : null;
  return {
    id: stored.id,
    suite: stored.suite,
    status: stored.status,
    threshold,
    startedAt: stored.startedAt,
    endedAt: stored.endedAt,
    targets,
    cases,
    totals: totalsOf(targets, cases, threshold)
  };
};
