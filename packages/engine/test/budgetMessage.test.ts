import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { allOf, budgetReachedMessage, makeBudget } from "../src/budget.js";

// What a budget tells the user when it refuses: the limit, what was spent, and what the refused round
// or call lacked, so the limit can be raised by the right amount in one go.

describe("a refused reservation", () => {
  it("is remembered with the limit it would have needed, counting what calls in flight hold", async () => {
    const budget = await Effect.runPromise(makeBudget(0.5));
    expect(await Effect.runPromise(budget.refused)).toBeUndefined();
    await Effect.runPromise(budget.reserve(0.3));
    await Effect.runPromise(budget.settle(0.3, 0.25));
    // $0.10 held by a call still in flight
    expect(await Effect.runPromise(budget.reserve(0.1))).toBe(true);
    expect(await Effect.runPromise(budget.reserve(0.2))).toBe(false);
    const refusal = await Effect.runPromise(budget.refused);
    expect(refusal?.usd).toBeCloseTo(0.2, 12);
    expect(refusal?.neededUsd).toBeCloseTo(0.55, 12);
    expect(budgetReachedMessage(0.5, 0.25, { what: "call", refusal: refusal! })).toBe(
      "budget of $0.50 reached ($0.25 spent; the next call could cost up to $0.20, so it needs a limit of at least $0.55)"
    );
  });

  it("of several limits is the one that refused", async () => {
    const own = await Effect.runPromise(makeBudget(1));
    const shared = await Effect.runPromise(makeBudget(0.1));
    const both = allOf([own, shared])!;
    expect(await Effect.runPromise(both.reserve(0.2))).toBe(false);
    expect(await Effect.runPromise(both.refused)).toEqual({ usd: 0.2, neededUsd: 0.2 });
  });

  it("says 'at least' rounded up, and names a model without a price instead of an infinite cost", () => {
    expect(budgetReachedMessage(0.01, 0, { what: "round", refusal: { usd: 0.012341, neededUsd: 0.012341 } })).toBe(
      "budget of $0.01 reached ($0.00 spent; the next round could cost up to $0.0123, so it needs a limit of at least $0.0124)"
    );
    expect(
      budgetReachedMessage(1, 0.5, {
        what: "call",
        refusal: { usd: Number.POSITIVE_INFINITY, neededUsd: Number.POSITIVE_INFINITY }
      })
    ).toBe("budget of $1.00 reached ($0.50 spent; the next call has a model without a price)");
    expect(budgetReachedMessage(1, 0.5)).toBe("budget of $1.00 reached ($0.50 spent)");
  });
});
