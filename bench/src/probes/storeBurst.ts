import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CallRecord, RunLog } from "@consortium/engine";
import { StoreRunLog } from "@consortium/store";
import { Effect } from "effect";

// Probe: a burst of call rows written through the RunLog, as an eval ending many calls at once
// writes them: RUNS runs started, then every call of every run ending together. Reports the CPU of
// the burst alone (user + sys of this process), per row, the database's size, and the same burst
// into a RunLog that writes nothing (the fibers' own share).

const RUNS = 100;
const CALLS_PER_RUN = 100;
const ROWS = RUNS * CALLS_PER_RUN;
const TARGET_MS = 1000;

const config = {
  name: "burst",
  members: [{ provider: "openai", model: "m", instances: 1 }],
  arbiter: { provider: "openai", model: "a" },
  providers: {}
};

const call = (runId: string, index: number): CallRecord =>
  ({
    runId,
    iteration: 1,
    role: "member",
    provider: "openai",
    model: "m",
    instance: index + 1,
    request: {
      provider: "openai",
      model: "m",
      messages: [{ role: "user", content: `Question ${index}: the capital?` }]
    },
    text: "Canberra is the capital of Australia; Sydney is larger but is not the capital.",
    parsed: null,
    usage: { inputTokens: 12, outputTokens: 20, costUsd: null },
    latencyMs: 20,
    attempts: 1,
    error: null,
    startedAt: new Date(0).toISOString(),
    endedAt: new Date(20).toISOString()
  }) as unknown as CallRecord;

/** The same burst with nothing written: what 10,000 fibers ending at once cost without a store. */
const baseline = await Effect.runPromise(
  Effect.gen(function* () {
    const log = yield* RunLog;
    const calls = Array.from({ length: ROWS }, (_, index) => call(`NONE${index % RUNS}`, index % CALLS_PER_RUN));
    const before = process.cpuUsage();
    yield* Effect.forEach(calls, (one) => log.callEnded(one), { concurrency: "unbounded", discard: true });
    return process.cpuUsage(before);
  }).pipe(Effect.provide(RunLog.none))
);

const dir = mkdtempSync(join(tmpdir(), "consortium-probe-burst-"));
try {
  const db = join(dir, "burst.db");
  const cpu = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const log = yield* RunLog;
        const runIds = Array.from({ length: RUNS }, (_, index) => `BURST${String(index).padStart(4, "0")}`);
        for (const runId of runIds) {
          yield* log.runStarted({
            runId,
            config: config as never,
            prompt: "the capital?",
            startedAt: new Date(0).toISOString()
          });
        }
        const calls = runIds.flatMap((runId) =>
          Array.from({ length: CALLS_PER_RUN }, (_, index) => call(runId, index))
        );
        const before = process.cpuUsage();
        yield* Effect.forEach(calls, (one) => log.callEnded(one), { concurrency: "unbounded", discard: true });
        return process.cpuUsage(before);
      }).pipe(Effect.provide(StoreRunLog.layerWithStore(db)))
    )
  );
  const ms = (cpu.user + cpu.system) / 1000;
  const withoutStore = (baseline.user + baseline.system) / 1000;
  const size = statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  process.stdout.write(
    `store burst: ${ROWS} call rows in ${ms.toFixed(0)} ms of CPU (${((ms * 1000) / ROWS).toFixed(1)} µs a row; ` +
      `target ≤ ${TARGET_MS} ms: ${ms <= TARGET_MS ? "met" : "missed"}), database ${(size / 1e6).toFixed(1)} MB; ` +
      `the same burst with no store: ${withoutStore.toFixed(0)} ms\n`
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
