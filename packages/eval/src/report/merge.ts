import { Either } from "effect";
import { summarizeTarget } from "./summarize.js";
import type { CaseReport, EvalReport } from "./types.js";

// One report from the JSON reports of an eval's shards (`consortium eval --merge`), with no database:
// the cases side by side, every target summarised again over all of them (a pass rate is a property
// of the whole suite, not of a shard). Reports that cannot be one eval are refused, not blended.

export interface NamedReport {
  /** Where the report came from (its file), for messages. */
  readonly name: string;
  readonly report: EvalReport;
}

const same = <A>(values: ReadonlyArray<A>): A | undefined =>
  values.every((value) => value === values[0]) ? values[0] : undefined;

const shardOrder = (named: NamedReport): number => named.report.shard?.index ?? 0;

export const mergeReports = (reports: ReadonlyArray<NamedReport>): Either.Either<EvalReport, string> => {
  const [first, ...rest] = reports;
  if (first === undefined) return Either.left("--merge needs at least one JSON report");
  for (const other of rest) {
    if (other.report.suite !== first.report.suite) {
      return Either.left(
        `cannot merge reports of different suites: ${first.name} is "${first.report.suite}", ${other.name} is "${other.report.suite}"`
      );
    }
    if (other.report.threshold !== first.report.threshold) {
      return Either.left(
        `cannot merge reports with different thresholds: ${first.name} has ${first.report.threshold}, ${other.name} has ${other.report.threshold}`
      );
    }
    const targets = (named: NamedReport) => named.report.targets.map((target) => target.target).join(", ");
    if (targets(other) !== targets(first)) {
      return Either.left(
        `cannot merge reports with different targets: ${first.name} has ${targets(first)}, ${other.name} has ${targets(other)}`
      );
    }
  }
  const seen = new Map<string, string>();
  for (const { name, report } of reports) {
    for (const suiteCase of report.cases) {
      const earlier = seen.get(suiteCase.id);
      if (earlier !== undefined) {
        return Either.left(
          `cannot merge overlapping reports: case "${suiteCase.id}" is in both ${earlier} and ${name}`
        );
      }
      seen.set(suiteCase.id, name);
    }
  }

  const ordered = [...reports].sort((a, b) => shardOrder(a) - shardOrder(b));
  const cases: ReadonlyArray<CaseReport> = ordered.flatMap((named) => named.report.cases);
  const { threshold } = first.report;
  const targets = first.report.targets.map((target) =>
    summarizeTarget(
      target.target,
      target.kind,
      cases.flatMap((suiteCase) => suiteCase.results.filter((result) => result.target === target.target)),
      threshold
    )
  );
  const startedAt = ordered.map((named) => named.report.startedAt).sort()[0] ?? first.report.startedAt;
  const endedAt =
    ordered
      .map((named) => named.report.endedAt)
      .sort()
      .at(-1) ?? first.report.endedAt;
  return Either.right({
    evalId: same(ordered.map((named) => named.report.evalId)) ?? first.report.evalId,
    suite: first.report.suite,
    source: first.report.source,
    threshold,
    shard: null,
    filter: same(ordered.map((named) => named.report.filter)) ?? null,
    targets,
    cases,
    replayMisses: ordered.flatMap((named) => named.report.replayMisses),
    startedAt,
    endedAt,
    durationMs: Math.max(0, Date.parse(endedAt) - Date.parse(startedAt))
  });
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

const isUsage = (value: unknown): boolean =>
  isRecord(value) && typeof value.inputTokens === "number" && typeof value.outputTokens === "number";

/** What summarizing reads of a result; the renderers read the rest and cope with what they find. */
const isResult = (value: unknown): boolean =>
  isRecord(value) &&
  typeof value.target === "string" &&
  typeof value.pass === "boolean" &&
  typeof value.latencyMs === "number" &&
  (value.confidence === null || typeof value.confidence === "number") &&
  (value.costUsd === null || typeof value.costUsd === "number") &&
  isUsage(value.usage) &&
  isUsage(value.judgeUsage) &&
  Array.isArray(value.assertions);

const isCase = (value: unknown): boolean =>
  isRecord(value) && typeof value.id === "string" && Array.isArray(value.results) && value.results.every(isResult);

const isTarget = (value: unknown): boolean =>
  isRecord(value) && typeof value.target === "string" && (value.kind === "consortium" || value.kind === "model");

/** A parsed JSON file with the shape of a report (`eval -o`); anything else is refused by name. */
export const asEvalReport = (value: unknown): EvalReport | undefined =>
  isRecord(value) &&
  typeof value.suite === "string" &&
  typeof value.evalId === "string" &&
  typeof value.threshold === "number" &&
  Array.isArray(value.cases) &&
  value.cases.every(isCase) &&
  Array.isArray(value.targets) &&
  value.targets.every(isTarget) &&
  Array.isArray(value.replayMisses) &&
  typeof value.startedAt === "string" &&
  typeof value.endedAt === "string"
    ? (value as unknown as EvalReport)
    : undefined;
