import { describe, expect, it } from "vitest";
import { describeEvent } from "../src/describeEvent.js";
import { decideOutcome, describeError, type RunProgress, totalUsage } from "../src/outcome.js";
import type { Iteration, MemberResponse, Synthesis } from "../src/result.js";
import { formatRunId } from "../src/runId.js";

const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0.25 };

const response = (member: string, instance: number, error: MemberResponse["error"] = null): MemberResponse => ({
  member,
  instance,
  text: error === null ? "an answer" : "",
  usage,
  latencyMs: 1,
  attempts: 1,
  error
});

const synthesis = (overrides: Partial<Synthesis> = {}): Synthesis => ({
  text: "Canberra.",
  confidence: 0.9,
  analysis: "",
  dissent: "",
  needsIteration: false,
  refinementAreas: [],
  parsed: true,
  ...overrides
});

const iteration = (index: number, responses: Array<MemberResponse>, s: Synthesis = synthesis()): Iteration => ({
  index,
  usage,
  responses,
  synthesis: s,
  arbiter: { model: "p/judge", raw: "", usage, latencyMs: 1, attempts: 1, error: null },
  shuffleSeed: 1
});

const progress = (overrides: Partial<RunProgress> = {}): RunProgress => ({
  iterations: [],
  unfinished: null,
  parseIssues: [],
  ...overrides
});

const timeout = { type: "AttemptTimeout", message: "p/a: no answer within 2s" };

describe("decideOutcome", () => {
  it("completed when every member answered and the final synthesis was read", () => {
    const outcome = decideOutcome({ _tag: "Finished" }, progress({ iterations: [iteration(1, [response("p/a", 1)])] }));
    expect(outcome).toEqual({ status: "completed", synthesis: synthesis(), error: null, warnings: [] });
  });

  it("degraded when a member was lost in any round, even if the last round was whole", () => {
    const outcome = decideOutcome(
      { _tag: "Finished" },
      progress({
        iterations: [
          iteration(1, [response("p/a", 1), response("p/a", 2, timeout)]),
          iteration(2, [response("p/a", 1)])
        ]
      })
    );
    expect(outcome.status).toBe("degraded");
    expect(outcome.warnings).toEqual(["iteration 1: member p/a#2: AttemptTimeout: no answer within 2s"]);
    expect(outcome.error).toBeNull();
  });

  it("degraded when only the final synthesis could not be read; an earlier unreadable one is only a warning", () => {
    const unread = synthesis({ parsed: false, confidence: 0 });
    expect(decideOutcome({ _tag: "Finished" }, progress({ iterations: [iteration(1, [], unread)] })).status).toBe(
      "degraded"
    );
    const later = progress({
      iterations: [iteration(1, [], unread), iteration(2, [])],
      parseIssues: ["iteration 1: arbiter output from p/judge: no <synthesis> tag"]
    });
    const outcome = decideOutcome({ _tag: "Finished" }, later);
    expect(outcome.status).toBe("completed");
    expect(outcome.warnings).toEqual(["iteration 1: arbiter output from p/judge: no <synthesis> tag"]);
  });

  it("an interrupt is interrupted, keeping the last synthesis", () => {
    const outcome = decideOutcome(
      { _tag: "Interrupted" },
      progress({ iterations: [iteration(1, [])], unfinished: { index: 2, responses: [], arbiterFailures: [] } })
    );
    expect(outcome).toMatchObject({
      status: "interrupted",
      error: "interrupted in iteration 2",
      synthesis: synthesis()
    });
  });

  it("a bug ends failed with an internal error, never as a success", () => {
    expect(decideOutcome({ _tag: "Defect", message: "boom\nat x" }, progress())).toEqual({
      status: "failed",
      synthesis: null,
      error: "internal error: boom at x",
      warnings: []
    });
  });

  it("lists at most three failures in the one-line quorum error", () => {
    const failed = Array.from({ length: 5 }, (_, i) => response("p/a", i + 1, timeout));
    const outcome = decideOutcome(
      { _tag: "NoQuorum", iteration: 1, quorum: 1 },
      progress({ unfinished: { index: 1, responses: failed, arbiterFailures: [] } })
    );
    expect(outcome.error).toBe(
      "no quorum in iteration 1: 0 of 5 members answered, 1 answer needed (p/a#1: AttemptTimeout: no answer within 2s; " +
        "p/a#2: AttemptTimeout: no answer within 2s; p/a#3: AttemptTimeout: no answer within 2s; and 2 more)"
    );
  });

  it("formats run timeouts in the unit they were given", () => {
    const at = (afterMs: number) => decideOutcome({ _tag: "TimedOut", afterMs }, progress()).error;
    expect(at(15 * 60_000)).toBe("run timed out after 15m in iteration 1");
    expect(at(90_000)).toBe("run timed out after 90s in iteration 1");
    expect(at(1500)).toBe("run timed out after 1500ms in iteration 1");
  });

  it("totals tokens over members, arbiters and failed arbiter attempts", () => {
    const done = {
      ...iteration(1, [response("p/a", 1), response("p/a", 2)]),
      arbiterFailures: [{ model: "p/judge", raw: "", usage, latencyMs: 1, attempts: 1, error: timeout }]
    };
    expect(
      totalUsage(
        progress({ iterations: [done], unfinished: { index: 2, responses: [response("p/a", 1)], arbiterFailures: [] } })
      )
    ).toEqual({ inputTokens: 50, outputTokens: 25, costUsd: 1.25, costComplete: true, unpricedModels: [] });
  });

  it("keeps a lower bound and names the models without a price", () => {
    const unpriced = { ...response("q/free", 1), usage: { inputTokens: 7, outputTokens: 3, costUsd: null } };
    const nothing = { ...response("q/down", 1), usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 } };
    expect(totalUsage(progress({ iterations: [iteration(1, [response("p/a", 1), unpriced, nothing])] }))).toEqual({
      inputTokens: 27,
      outputTokens: 13,
      costUsd: 0.5,
      costComplete: false,
      unpricedModels: ["q/free"]
    });
  });
});

describe("describeError", () => {
  it("drops the model name the provider put in front, and keeps it on one line", () => {
    expect(describeError({ type: "RateLimited", message: "p/a: 429 rate limited\n(retry after 2s)" }, "p/a")).toBe(
      "RateLimited: 429 rate limited (retry after 2s)"
    );
  });
});

describe("describeEvent", () => {
  const base = { runId: "r", iteration: 1, role: "member" as const, label: "openai/gpt-4.1-mini#2" };
  it("says what a live display shows per member", () => {
    expect(describeEvent({ _tag: "CallStarted", ...base, attempt: 1 })).toBe("openai/gpt-4.1-mini#2 started");
    expect(
      describeEvent({
        _tag: "CallRetrying",
        ...base,
        attempt: 1,
        delayMs: 2000,
        error: { type: "RateLimited", message: "openai/gpt-4.1-mini: 429 rate limited" }
      })
    ).toBe("openai/gpt-4.1-mini#2 retrying in 2.0s because RateLimited: 429 rate limited");
    expect(describeEvent({ _tag: "CallEnded", ...base, latencyMs: 1234, attempts: 2, error: null })).toBe(
      "openai/gpt-4.1-mini#2 done in 1.2s after 2 attempts"
    );
    expect(
      describeEvent({
        _tag: "CallEnded",
        ...base,
        latencyMs: 5,
        attempts: 1,
        error: { type: "AuthFailed", message: "openai/gpt-4.1-mini: 401" }
      })
    ).toBe("openai/gpt-4.1-mini#2 failed: AuthFailed: 401");
  });
});

describe("describeEvent: a run's first line", () => {
  it("counts members and rounds in the singular and the plural", () => {
    const started = (members: number, maxIterations: number) =>
      describeEvent({
        _tag: "RunStarted",
        runId: "r",
        consortium: "c",
        members: Array.from({ length: members }, (_, i) => `openai/m#${i + 1}`),
        maxIterations
      });
    expect(started(1, 1)).toBe("run r: c, 1 member, up to 1 round");
    expect(started(2, 3)).toBe("run r: c, 2 members, up to 3 rounds");
  });
});

describe("run ids", () => {
  it("sort by time and are 26 Crockford base-32 characters", () => {
    const zero = new Uint8Array(16);
    const a = formatRunId(1_700_000_000_000, zero);
    const b = formatRunId(1_700_000_000_001, zero);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(formatRunId(1_700_000_000_000, new Uint8Array(16).fill(31))).not.toBe(a);
  });
});
