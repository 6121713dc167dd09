import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect, TestClock } from "effect";
import { abandoned } from "../src/sweep.js";
import { memberCall, runEnded, runStarted, tempDir } from "./fixtures.js";

const tmp = tempDir();
afterAll(tmp.cleanup);

const here = hostname();
const DEAD = 4_000_001;
const ALIVE = 4_000_002;
const isAlive = (pid: number) => pid !== DEAD;

/** Records a run as process `pid` on `host` would, without ending it. */
const leaveRunning = (path: string, runId: string, pid: number, host = here) =>
  Effect.gen(function* () {
    const store = yield* Store;
    yield* store.runStarted(runStarted(runId));
    yield* store.callEnded(memberCall(runId, 1, 1));
    yield* store.callEnded(memberCall(runId, 1, 2));
    yield* store.recordEvalStarted({
      evalId: `eval-${runId}`,
      suite: "smoke",
      sourceFile: null,
      config: {},
      startedAt: runStarted(runId).startedAt
    });
  }).pipe(Effect.provide(Store.layer(path, { writer: { pid, hostname: host }, isAlive: () => true })));

describe("sweep of abandoned runs", () => {
  it("keeps rows whose process is alive", () => {
    expect(
      abandoned(
        [
          { id: "a", pid: DEAD },
          { id: "b", pid: ALIVE }
        ],
        isAlive
      )
    ).toEqual([{ id: "a", pid: DEAD }]);
  });

  it.effect("marks runs and evals of a dead process on this host interrupted when the store opens", () => {
    const path = join(tmp.dir, "sweep.db");
    return Effect.gen(function* () {
      yield* leaveRunning(path, "dead-run", DEAD);
      yield* leaveRunning(path, "live-run", ALIVE);
      yield* leaveRunning(path, "remote-run", DEAD, "another-host");
      // Ended by its own process before anyone looked: must stay as it ended.
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("ended-run"));
        yield* store.runEnded(runEnded("ended-run", "completed"));
      }).pipe(Effect.provide(Store.layer(path, { writer: { pid: DEAD, hostname: here }, isAlive: () => true })));

      yield* TestClock.setTime(Date.parse("2025-01-02T10:01:00.000Z"));
      const { runs, dead, evals } = yield* Effect.gen(function* () {
        const store = yield* Store;
        return {
          runs: yield* store.listRuns(),
          dead: yield* store.getRun("dead-run"),
          evals: yield* store.listEvals()
        };
      }).pipe(Effect.provide(Store.layer(path, { isAlive })));

      expect(Object.fromEntries(runs.map((run) => [run.id, run.status]))).toEqual({
        "dead-run": "interrupted",
        "live-run": "running",
        "remote-run": "running",
        "ended-run": "completed"
      });
      expect(dead).toMatchObject({
        status: "interrupted",
        endedAt: "2025-01-02T10:01:00.000Z",
        durationMs: 60_000,
        // The totals agree with the calls that finished.
        inputTokens: 21 + 22,
        outputTokens: 41 + 42,
        iterations: 1,
        error: `interrupted: the process that wrote this (pid ${DEAD} on ${here}) ended before it did`
      });
      expect(dead.calls).toHaveLength(2);
      expect(Object.fromEntries(evals.map((row) => [row.id, row.status]))).toEqual({
        "eval-dead-run": "interrupted",
        "eval-live-run": "running",
        "eval-remote-run": "running"
      });
    });
  });

  it.effect("uses the real process table by default", () => {
    const path = join(tmp.dir, "real-pids.db");
    const exited = spawnSync(process.execPath, ["-e", ""]).pid;
    return Effect.gen(function* () {
      yield* leaveRunning(path, "exited", exited);
      yield* leaveRunning(path, "me", process.pid);
      const statuses = yield* Effect.gen(function* () {
        const store = yield* Store;
        return (yield* store.listRuns()).map((run) => `${run.id}:${run.status}`).sort();
      }).pipe(Effect.provide(Store.layer(path)));
      expect(statuses).toEqual(["exited:interrupted", "me:running"]);
    });
  });

  it.effect("can be run again on demand, and counts what it changed", () => {
    const path = join(tmp.dir, "on-demand.db");
    let alive = true;
    return Effect.gen(function* () {
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("later"));
        expect(yield* store.sweepAbandoned()).toBe(0);
        alive = false;
        expect(yield* store.sweepAbandoned()).toBe(1);
        expect(yield* store.sweepAbandoned()).toBe(0);
      }).pipe(Effect.provide(Store.layer(path, { writer: { pid: DEAD, hostname: here }, isAlive: () => alive })));
    });
  });

  it.effect("marks the named runs still running interrupted on demand, with the reason given", () => {
    const path = join(tmp.dir, "lost.db");
    const marked = Effect.gen(function* () {
      const store = yield* Store;
      yield* store.runStarted(runStarted("lost"));
      yield* store.callEnded(memberCall("lost", 1, 1));
      yield* store.runStarted(runStarted("other"));
      yield* store.runStarted(runStarted("ended"));
      yield* store.runEnded(runEnded("ended", "completed"));
      expect(yield* store.interruptRuns(["lost", "ended", "never-started"], "interrupted: its thread died")).toBe(1);
      expect(yield* store.getRun("lost")).toMatchObject({
        status: "interrupted",
        error: "interrupted: its thread died",
        endedAt: "2025-01-02T10:00:30.000Z",
        durationMs: 30_000,
        inputTokens: 21,
        iterations: 1
      });
      expect((yield* store.getRun("other")).status).toBe("running");
      expect((yield* store.getRun("ended")).status).toBe("completed");
      expect(yield* store.interruptRuns([], "nothing")).toBe(0);
    }).pipe(Effect.provide(Store.layer(path, { isAlive: () => true })));
    return Effect.zipRight(TestClock.setTime(Date.parse("2025-01-02T10:00:30.000Z")), marked);
  });
});
