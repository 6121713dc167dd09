import { formatDuration } from "@consortium/engine";
import { formatRun, formatRunsTable, type RunSummary, Store, type StoredCall, type StoredRun } from "@consortium/store";
import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { decisionOf } from "../src/report/formatRun.js";
import { shortIds } from "../src/report/formatRunsTable.js";
import { textHead } from "../src/report/text.js";
import { callsOfRun, config, memberCall, runEnded, runStarted } from "./fixtures.js";

const ID = "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b";

/** A degraded two-iteration run, read back from a real (in-memory) store. */
const storedRun = Effect.gen(function* () {
  const store = yield* Store;
  yield* store.runStarted(runStarted(ID, { config: config({ source: "/work/consortia/research.yaml" }) }));
  for (const call of callsOfRun(ID)) yield* store.callEnded(call);
  yield* store.callEnded(
    memberCall(ID, 2, 3, { text: null, attempts: 4, error: { type: "RateLimited", message: "429 Too Many Requests" } })
  );
  yield* store.runEnded(runEnded(ID, "degraded", { warnings: ["openai/gpt-4.1-mini #3 failed in iteration 2"] }));
  return yield* store.getRun(ID);
}).pipe(Effect.provide(Store.layer(":memory:")));

const summary = (overrides: Partial<RunSummary>): RunSummary => ({
  id: ID,
  consortium: "research",
  status: "completed",
  promptHead: "What is the capital of Australia?",
  startedAt: "2025-01-02T10:00:00.000Z",
  endedAt: "2025-01-02T10:00:25.000Z",
  durationMs: 25_000,
  costComplete: true,
  iterations: 2,
  confidence: 0.9,
  inputTokens: 1000,
  outputTokens: 500,
  costUsd: null,
  origin: null,
  outerRunId: null,
  ...overrides
});

describe("formatRun", () => {
  it.effect("shows the header, each iteration's answers and decisions, the synthesis and totals", () =>
    Effect.gen(function* () {
      const run = yield* storedRun;
      expect(
        formatRun({ ...run, configHash: "b469334f111cc634aaaa", gitCommit: "1a2b3c4d5e6f7a8b", gitDirty: true })
      ).toBe(`run         ${ID}
consortium  research
status      degraded
prompt      What is the capital of Australia?
            Answer in one sentence.
config      sha256:b469334f111cc634  /work/consortia/research.yaml @ 1a2b3c4d5e6f (modified)
started     2025-01-02 10:00:00 UTC · ended 2025-01-02 10:00:25 UTC
warning     openai/gpt-4.1-mini #3 failed in iteration 2

Iteration 1
  member  openai/gpt-4.1-mini #1  21 in / 41 out · 1.2s · 1 attempt
    │ Canberra is the capital of Australia (instance 1).
    │ It was chosen as a compromise.
    │ Sydney and Melbourne both wanted it.…
  member  openai/gpt-4.1-mini #2  22 in / 42 out · 1.2s · 1 attempt
    │ Canberra is the capital of Australia (instance 2).
    │ It was chosen as a compromise.
    │ Sydney and Melbourne both wanted it.…
  arbiter anthropic/claude-sonnet-4-5  300 in / 90 out · 3.4s · 1 attempt
    confidence 0.60 · asks for another round · went on: confidence below the threshold
    refine:
      - cite the 1908 decision
      - mention the Parliament House

Iteration 2
  member  openai/gpt-4.1-mini #1  21 in / 41 out · 1.2s · 1 attempt
    │ Canberra is the capital of Australia (instance 1).
    │ It was chosen as a compromise.
    │ Sydney and Melbourne both wanted it.…
  member  openai/gpt-4.1-mini #2  22 in / 42 out · 1.2s · 1 attempt
    │ Canberra is the capital of Australia (instance 2).
    │ It was chosen as a compromise.
    │ Sydney and Melbourne both wanted it.…
  member  openai/gpt-4.1-mini #3  23 in / 43 out · 1.2s · 4 attempts
    FAILED RateLimited: 429 Too Many Requests
  arbiter anthropic/claude-sonnet-4-5  300 in / 90 out · 3.4s · 1 attempt
    confidence 0.90 · no further round needed · stopped: confident enough

Synthesis (confidence 0.90)
  Canberra is the capital of Australia.

Totals  2 iterations · 1,000 input + 500 output tokens · $0.0123 · 25.0s · 7 calls, 1 failed`);
    })
  );

  it.effect("renders a run cut short: no synthesis, an error, a parse failure, nothing ended", () =>
    Effect.gen(function* () {
      const run = yield* storedRun;
      const arbiter: StoredCall = {
        ...(run.calls[2] as StoredCall),
        parsed: { text: "raw words", confidence: 0, parsed: false, needsIteration: false, refinementAreas: [] }
      };
      const cut: StoredRun = {
        ...run,
        status: "interrupted",
        synthesis: null,
        confidence: null,
        result: null,
        endedAt: null,
        durationMs: null,
        costUsd: null,
        sourceFile: null,
        error: "interrupted: the process that wrote this (pid 4242 on box) ended before it did",
        calls: [run.calls[0] as StoredCall, arbiter]
      };
      const text = formatRun(cut);
      expect(text).toContain("config      sha256:");
      expect(text).toContain("(built in code)");
      expect(text).toContain(
        "error       interrupted: the process that wrote this (pid 4242 on box) ended before it did"
      );
      expect(text).toContain(
        "    arbiter output could not be parsed: its raw text was taken as the synthesis\n    confidence 0.00"
      );
      expect(text).not.toContain("Synthesis (");
      expect(text).not.toContain("warning");
      expect(text.split("\n").at(-1)).toBe(
        "Totals  2 iterations · 1,000 input + 500 output tokens · not ended · 2 calls"
      );
      expect(formatRun({ ...cut, calls: [] })).toContain("\n\nNo calls recorded.\n");
    })
  );

  it.effect("falls back to the result's synthesis when an arbiter call carries no parsed fields", () =>
    Effect.gen(function* () {
      const run = yield* storedRun;
      const calls = run.calls.map((call) => (call.role === "arbiter" ? { ...call, parsed: null } : call));
      expect(formatRun({ ...run, calls })).toContain(
        "confidence 0.60 · asks for another round · went on: confidence below the threshold"
      );
    })
  );

  it.effect("names each member call's layer and the role the strategy gave its instance", () =>
    Effect.gen(function* () {
      const run = yield* storedRun;
      const calls = run.calls.map((call) =>
        call.role === "member" && call.iteration === 1 ? { ...call, layer: call.instance === 1 ? 1 : 2 } : call
      );
      const result =
        run.result === null
          ? null
          : {
              ...run.result,
              iterations: run.result.iterations.map((it) =>
                it.index === 1
                  ? { ...it, responses: it.responses.map((r) => ({ ...r, role: `role-${r.instance}` })) }
                  : it
              )
            };
      const text = formatRun({ ...run, calls, result });
      expect(text).toMatch(/member {2}openai\/gpt-4\.1-mini #1 \(layer 1, role-1\)/);
      expect(text).toMatch(/member {2}openai\/gpt-4\.1-mini #2 \(layer 2, role-2\)/);
      // iteration 2's calls have neither: nothing is added to them
      expect(text.slice(text.indexOf("Iteration 2"))).not.toContain("(layer");
    })
  );

  it("reads arbiter fields without trusting their shape", () => {
    expect(decisionOf("not an object")).toBeNull();
    expect(decisionOf({ confidence: "high", needs_iteration: true, refinement_areas: ["a", 3] })).toEqual({
      confidence: null,
      needsIteration: true,
      refinementAreas: ["a"],
      parsed: null
    });
  });
});

describe("formatRunsTable", () => {
  it("aligns one line per run, shortens ids and prompts, and leaves unknowns as -", () => {
    const table = formatRunsTable([
      summary({
        id: "0193a1b2-9999-7e8f-9a0b-1c2d3e4f5a6b",
        status: "running",
        endedAt: null,
        durationMs: null,
        confidence: null,
        iterations: 1,
        inputTokens: 300,
        outputTokens: 90,
        promptHead: "Summarise\nthis   long document about the history of the Australian capital and its politics"
      }),
      summary({ costUsd: 0.01 })
    ]);
    expect(table).toBe(
      [
        "ID          CONSORTIUM  STATUS     STARTED (UTC)        DURATION  ITER  CONF  TOKENS     COST  PROMPT",
        "0193a1b2-9  research    running    2025-01-02 10:00:00         -     1     -     390        -  Summarise this long document about the history…",
        "0193a1b2-7  research    completed  2025-01-02 10:00:00     25.0s     2  0.90   1,500  $0.0100  What is the capital of Australia?"
      ].join("\n")
    );
  });

  it("marks the runs of included consortia, and who asked for a run when it was not `consortium run`", () => {
    const statuses = formatRunsTable([
      summary({ id: "inner-1", outerRunId: "outer-1" }),
      summary({ id: "inner-2", outerRunId: "outer-2", origin: "eval" }),
      summary({ id: "served-1", origin: "serve" }),
      summary({ id: "outer-1" })
    ])
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s{2,}/)[2]);
    expect(statuses).toEqual(["completed (nested)", "completed (eval, nested)", "completed (serve)", "completed"]);
  });

  it("says so when there are no runs", () => {
    expect(formatRunsTable([])).toBe("No runs recorded yet.");
  });

  it("shortIds keeps at least 8 characters and grows until the ids differ", () => {
    expect(shortIds(["0193a1b2-aaaa", "0193ffff-0000"])).toEqual(["0193a1b2", "0193ffff"]);
    expect(shortIds(["0193a1b2-aaaa", "0193a1b2-abbb"])).toEqual(["0193a1b2-aa", "0193a1b2-ab"]);
    expect(shortIds(["short", "abc"])).toEqual(["short", "abc"]);
    expect(shortIds(["same-id-123", "same-id-123"])).toEqual(["same-id-", "same-id-"]);
  });
});

describe("text helpers", () => {
  it("textHead keeps three lines and 200 characters, marking what it cut", () => {
    expect(textHead("one\ntwo")).toEqual(["one", "two"]);
    expect(textHead("a\r\nb\r\nc")).toEqual(["a", "b", "c"]);
    expect(textHead("a\nb\nc\nd")).toEqual(["a", "b", "c…"]);
    expect(textHead("x".repeat(250))).toEqual([`${"x".repeat(200)}…`]);
    expect(textHead(`${"x".repeat(150)}\n${"y".repeat(100)}`)).toEqual(["x".repeat(150), `${"y".repeat(50)}…`]);
  });

  it("formatDuration reads naturally at every scale", () => {
    expect([450, 12_345, 125_000, 3_725_000].map(formatDuration)).toEqual(["450ms", "12.3s", "2m05s", "1h02m"]);
    expect(formatDuration(null)).toBe("-");
  });
});
