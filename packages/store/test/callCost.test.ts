import { hostname } from "node:os";
import { formatRun, formatRunsTable, Store } from "@consortium/store";
import { afterAll, describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { backends, cleanupBackends } from "./backends.js";
import { arbiterCall, memberCall, runEnded, runStarted } from "./fixtures.js";

// What each call cost, kept on its row, and a run whose cost is only a lower bound (some call's model
// had no price) said to be incomplete wherever its cost is shown: never a bare number that reads as
// the whole cost.

afterAll(cleanupBackends);

const DEAD = 999_999_991;
const priced = (usd: number) => ({ inputTokens: 100, outputTokens: 50, costUsd: usd });
const unpriced = { inputTokens: 100, outputTokens: 50, costUsd: null };

describe.each(backends)("call costs on $name", (backend) => {
  const fresh = Effect.promise(() => backend.fresh());

  it.effect("keeps each call's cost, null for an unpriced model, and marks the run's total incomplete", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("partial"));
        yield* store.callEnded(memberCall("partial", 1, 1, { usage: priced(0.0025) }));
        yield* store.callEnded(memberCall("partial", 1, 2, { model: "mystery-1", usage: unpriced }));
        yield* store.callEnded(arbiterCall("partial", 1, { usage: priced(0.0101) }));
        yield* store.runEnded(
          runEnded("partial", "completed", {
            usage: {
              inputTokens: 300,
              outputTokens: 150,
              costUsd: 0.0126,
              costComplete: false,
              unpricedModels: ["openai/mystery-1"]
            }
          })
        );
        yield* store.runStarted(runStarted("whole", { startedAt: "2025-01-02T11:00:00.000Z" }));
        yield* store.callEnded(memberCall("whole", 1, 1, { usage: priced(0.002) }));
        yield* store.runEnded(runEnded("whole", "completed"));

        const run = yield* store.getRun("partial");
        expect(run.calls.map((call) => call.costUsd)).toEqual([0.0025, null, 0.0101]);
        expect(run.costComplete).toBe(false);
        expect(formatRun(run)).toMatch(/\$0\.0126 \(incomplete: no price for openai\/mystery-1\)/);
        expect(formatRun(run)).toContain("$0.0025");

        const listed = yield* store.listRuns();
        expect(listed.map((summary) => [summary.id, summary.costComplete])).toEqual([
          ["whole", true],
          ["partial", false]
        ]);
        const table = formatRunsTable(listed);
        expect(table).toMatch(/partial.*≥\$0\.0126/);
        expect(table).toMatch(/≥: some calls had no price/);
        expect(table).not.toMatch(/whole.*≥/);
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("a run still going shows what its finished calls cost so far, said to be so far", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("going"));
        yield* store.callEnded(memberCall("going", 1, 1, { usage: priced(0.0025) }));
        yield* store.callEnded(memberCall("going", 1, 2, { usage: priced(0.0005) }));
        yield* store.runStarted(runStarted("going-unpriced", { startedAt: "2025-01-02T11:00:00.000Z" }));
        yield* store.callEnded(memberCall("going-unpriced", 1, 1, { usage: priced(0.001) }));
        yield* store.callEnded(memberCall("going-unpriced", 1, 2, { model: "mystery-1", usage: unpriced }));
        yield* store.runStarted(runStarted("just-started", { startedAt: "2025-01-02T12:00:00.000Z" }));

        const listed = yield* store.listRuns();
        expect(listed.map((summary) => [summary.id, summary.status, summary.costComplete])).toEqual([
          ["just-started", "running", true],
          ["going-unpriced", "running", false],
          ["going", "running", true]
        ]);
        const [justStarted, goingUnpriced, going] = listed;
        expect(justStarted?.costUsd).toBeNull();
        expect(goingUnpriced?.costUsd).toBeCloseTo(0.001, 10);
        expect(going?.costUsd).toBeCloseTo(0.003, 10);
        const table = formatRunsTable(listed);
        // ids as the table shortens them
        expect(table).toMatch(/^going-un .*≥\$0\.0010 so far/m);
        expect(table).toMatch(/^going .*\$0\.0030 so far/m);
        expect(table).not.toMatch(/^just-sta .*so far/m);

        const run = yield* store.getRun("going");
        expect(run.costUsd).toBeCloseTo(0.003, 10);
        expect(formatRun(run)).toContain("$0.0030 so far");
        const partial = yield* store.getRun("going-unpriced");
        expect(partial.costComplete).toBe(false);
        expect(formatRun(partial)).toContain("$0.0010 so far (incomplete: no price for openai/mystery-1)");

        // once it ends, the run's own total is what shows, with nothing said of "so far"
        yield* store.runEnded(runEnded("going", "completed"));
        const ended = yield* store.getRun("going");
        expect(formatRun(ended)).not.toContain("so far");
        expect(formatRunsTable(yield* store.listRuns())).not.toMatch(/^going .*so far/m);
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  it.effect("a cost summed from the calls' rows reads as its amount, not floating-point noise", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("tenths"));
        // 0.1 + 0.2 is 0.30000000000000004 when the database sums it
        yield* store.callEnded(memberCall("tenths", 1, 1, { usage: priced(0.1) }));
        yield* store.callEnded(memberCall("tenths", 1, 2, { usage: priced(0.2) }));
        expect((yield* store.listRuns())[0]?.costUsd).toBe(0.3);
        expect((yield* store.getRun("tenths")).costUsd).toBe(0.3);
      }).pipe(Effect.provide(Store.layer(location)));
    })
  );

  // live: the sweep stamps the real time as the end of what it marks
  it.live("a run cut short gets the sum of its calls' costs, incomplete when one was unpriced", () =>
    Effect.gen(function* () {
      const location = yield* fresh;
      yield* Effect.gen(function* () {
        const store = yield* Store;
        // a recent start: PostgreSQL's integer duration column holds under 25 days
        const recently = new Date(Date.now() - 60_000).toISOString();
        yield* store.runStarted(runStarted("cut", { startedAt: recently }));
        yield* store.callEnded(memberCall("cut", 1, 1, { usage: priced(0.003) }));
        yield* store.callEnded(memberCall("cut", 1, 2, { usage: unpriced }));
        yield* store.runStarted(runStarted("cut-priced", { startedAt: recently }));
        yield* store.callEnded(memberCall("cut-priced", 1, 1, { usage: priced(0.004) }));
        yield* store.callEnded(
          memberCall("cut-priced", 1, 2, { usage: { ...unpriced, inputTokens: 0, outputTokens: 0 } })
        );
      }).pipe(
        Effect.provide(Store.layer(location, { writer: { pid: DEAD, hostname: hostname() }, isAlive: () => true }))
      );
      // opening again with the writer gone sweeps its runs
      yield* Effect.gen(function* () {
        const store = yield* Store;
        const cut = yield* store.getRun("cut");
        expect(cut).toMatchObject({ status: "interrupted", costUsd: 0.003, costComplete: false });
        const whole = yield* store.getRun("cut-priced");
        expect(whole).toMatchObject({ status: "interrupted", costUsd: 0.004, costComplete: true });
      }).pipe(Effect.provide(Store.layer(location, { isAlive: (pid) => pid !== DEAD })));
    })
  );
});
