import { Either } from "effect";
import { resultsDone, summarizeTarget } from "./summarize.js";
import type { CaseReport, EvalReport } from "./types.js";

// One report from the JSON reports of an eval's shards (`consortium eval --merge`), with no database:
// the cases side by side, every target summarised again over all of them (a pass rate is a property
// of the whole suite, not of a shard). Reports that cannot be one eval are refused, not blended, and
// so are shards that are not the whole of their split.

export interface NamedReport {
  /** Where the report came from (its file), for messages. */
  readonly name: string;
  readonly report: EvalReport;
}

const same = <A>(values: ReadonlyArray<A>): A | undefined =>
  values.every((value) => value === values[0]) ? values[0] : undefined;

const shardOrder = (named: NamedReport): number => named.report.shard?.index ?? 0;

const shardName = (shard: { readonly index: number; readonly count: number }): string =>
  `shard ${shard.index}/${shard.count}`;

/**
 * Why these reports are not every shard of one split exactly once, or undefined when they are. A
 * merge missing a shard would report on part of the suite as if it were the whole: a CI matrix whose
 * job never uploaded its report would pass on the cases it did not run.
 */
const incompleteShards = (reports: ReadonlyArray<NamedReport>): string | undefined => {
  const sharded = reports.filter((named) => named.report.shard !== null && named.report.shard !== undefined);
  const [first] = sharded;
  if (first === undefined) return undefined;
  const whole = reports.find((named) => named.report.shard === null || named.report.shard === undefined);
  const firstShard = first.report.shard!;
  if (whole !== undefined) {
    return `cannot merge a whole eval with shards: ${whole.name} ran every case, ${first.name} is ${shardName(firstShard)}`;
  }
  const byIndex = new Map<number, NamedReport>();
  for (const named of sharded) {
    const shard = named.report.shard!;
    if (shard.count !== firstShard.count) {
      return `cannot merge shards of different splits: ${first.name} is ${shardName(firstShard)}, ${named.name} is ${shardName(shard)}`;
    }
    const earlier = byIndex.get(shard.index);
    if (earlier !== undefined) {
      return `cannot merge ${shardName(shard)} twice: it is both ${earlier.name} and ${named.name}`;
    }
    byIndex.set(shard.index, named);
  }
  const missing = Array.from({ length: firstShard.count }, (_, index) => index + 1).filter(
    (index) => !byIndex.has(index)
  );
  if (missing.length === 0) return undefined;
  const given = [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, named]) => `${shardName({ index, count: firstShard.count })} in ${named.name}`);
  const names = missing.map((index) => shardName({ index, count: firstShard.count }));
  return `cannot merge an incomplete eval: ${names.join(", ")} ${missing.length === 1 ? "is" : "are"} missing (given: ${given.join(", ")})`;
};

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

  const incomplete = incompleteShards(reports);
  if (incomplete !== undefined) return Either.left(incomplete);

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
  // one shard stopped by hand leaves the merged report partial too (a report is read from a file)
  const plannedOf = (report: EvalReport): number | undefined =>
    typeof report.interrupted?.resultsPlanned === "number" ? report.interrupted.resultsPlanned : undefined;
  const stopped = ordered.some((named) => plannedOf(named.report) !== undefined);
  const planned = ordered.reduce((sum, named) => sum + (plannedOf(named.report) ?? resultsDone(named.report)), 0);
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
    ...(stopped ? { interrupted: { resultsPlanned: planned } } : {}),
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
