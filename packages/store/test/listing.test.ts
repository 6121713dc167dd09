import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ListOptions, Store } from "@consortium/store";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import { backends, cleanupBackends } from "./backends.js";
import { config, runEnded, runStarted } from "./fixtures.js";

// The filters and keyset paging the viewer lists runs and evals with, and the read-only connection.

const dir = mkdtempSync(join(tmpdir(), "consortium-listing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterAll(cleanupBackends);
const path = join(dir, "listing.db");

const day = (n: number): string => new Date(Date.UTC(2026, 0, 1 + n, 12)).toISOString();

const seeded = Effect.gen(function* () {
  const store = yield* Store;
  for (let n = 0; n < 12; n++) {
    const id = `RUN${String(n).padStart(2, "0")}`;
    yield* store.runStarted(
      runStarted(id, {
        config: config({ name: n % 3 === 0 ? "three" : "other" }),
        prompt: n === 7 ? "What about 100%_sure?" : `Question ${n}`,
        startedAt: day(n)
      })
    );
    if (n % 2 === 0) yield* store.runEnded(runEnded(id, "completed"));
  }
}).pipe(Effect.provide(Store.layer(path, { env: {} })));

const list = (options: ListOptions) =>
  Effect.runPromise(
    Effect.flatMap(Store, (store) => store.listRuns(options)).pipe(
      Effect.provide(Store.layer(path, { env: {}, readOnly: true }))
    )
  ).then((runs) => runs.map((run) => run.id));

describe("listRuns filters", () => {
  it("filters by consortium, status, prompt text and dates, newest first", async () => {
    await Effect.runPromise(seeded);
    expect(await list({ consortium: "three" })).toEqual(["RUN09", "RUN06", "RUN03", "RUN00"]);
    expect(await list({ consortium: "three", status: "completed" })).toEqual(["RUN06", "RUN00"]);
    expect(await list({ text: "question 1" })).toEqual(["RUN11", "RUN10", "RUN01"]);
    // % and _ mean themselves
    expect(await list({ text: "100%_" })).toEqual(["RUN07"]);
    expect(await list({ text: "0%" })).toEqual(["RUN07"]);
    expect(await list({ since: day(3), until: day(5) })).toEqual(["RUN04", "RUN03"]);
  });

  it("pages with a cursor without skipping or repeating a run", async () => {
    const first = await list({ limit: 5 });
    const second = await list({ limit: 5, before: { startedAt: day(7), id: first.at(-1)! } });
    const third = await list({ limit: 5, before: { startedAt: day(2), id: second.at(-1)! } });
    expect([...first, ...second, ...third]).toEqual(
      Array.from({ length: 12 }, (_, n) => `RUN${String(11 - n).padStart(2, "0")}`)
    );
  });
});

describe("a read-only store", () => {
  it("reads but cannot write, and refuses a file that does not exist", async () => {
    const written = await Effect.runPromise(
      Effect.flatMap(Store, (store) => store.runStarted(runStarted("RUNRO"))).pipe(
        Effect.provide(Store.layer(path, { env: {}, readOnly: true })),
        Effect.either
      )
    );
    expect(written._tag).toBe("Left");
    expect(JSON.stringify(written)).toMatch(/readonly/i);
    const missing = await Effect.runPromise(
      Effect.flatMap(Store, (store) => store.listRuns()).pipe(
        Effect.provide(Store.layer(join(dir, "missing.db"), { readOnly: true })),
        Effect.either
      )
    );
    expect(missing._tag).toBe("Left");
  });
});

describe.each(backends)("the prompt-text filter on $name", (backend) => {
  it("ignores case, as the viewer's search box promises", async () => {
    const location = await backend.fresh();
    const found = await Effect.runPromise(
      Effect.gen(function* () {
        const store = yield* Store;
        yield* store.runStarted(runStarted("UPPER", { prompt: "What is CANBERRA known for?" }));
        yield* store.runStarted(runStarted("OTHER", { prompt: "Sydney?" }));
        return yield* store.listRuns({ text: "canberra" });
      }).pipe(Effect.provide(Store.layer(location, { env: {} })))
    );
    expect(found.map((run) => run.id)).toEqual(["UPPER"]);
  });
});
