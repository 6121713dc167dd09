import type { RunSummary } from "@consortium/store";
import { describe, expect, it } from "vitest";
import { renderRunsMain } from "../src/render/lists.js";

// The runs list says when a run's cost is only a lower bound, as `consortium runs` does.

const run = (id: string, costUsd: number | null, costComplete: boolean | null): RunSummary => ({
  id,
  consortium: "research",
  status: "completed",
  promptHead: "Capital?",
  startedAt: "2025-01-02T10:00:00.000Z",
  endedAt: "2025-01-02T10:00:25.000Z",
  durationMs: 25_000,
  iterations: 1,
  confidence: 0.9,
  inputTokens: 10,
  outputTokens: 20,
  costUsd,
  costComplete,
  origin: null,
  outerRunId: null
});

const costCell = (markup: string, id: string): string | undefined =>
  markup.match(new RegExp(`<tr data-run="${id}">.*?<td class="num">([^<]*)</td><td class="num">[^<]*</td></tr>`))?.[1];

describe("the runs list", () => {
  it("marks a lower-bound cost, and a run none of whose calls had a price", () => {
    const markup = renderRunsMain(
      [run("WHOLE", 0.0123, true), run("PART", 0.0123, false), run("NONE", null, false), run("LIVE", null, null)],
      {},
      null
    ).value;
    expect(costCell(markup, "WHOLE")).toBe("$0.0123");
    expect(costCell(markup, "PART")).toBe("≥$0.0123");
    expect(costCell(markup, "NONE")).toBe("no price");
    expect(costCell(markup, "LIVE")).toBe("-");
  });
});
