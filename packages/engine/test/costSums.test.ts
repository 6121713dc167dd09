import { describe, expect, it } from "vitest";
import { addUsage, sumUsage } from "../src/index.js";

// A run's, a round's and an eval's cost are sums of calls' costs: printed in JSON and stored, they must
// read as the amounts they are, not as floating-point noise (0.0038339999999999997).

describe("cost sums", () => {
  it("add up to whole decimal amounts", () => {
    const call = { inputTokens: 1, outputTokens: 1, costUsd: 0.1 };
    // 0.1 + 0.2 is 0.30000000000000004 in plain arithmetic
    expect(String(addUsage(call, { ...call, costUsd: 0.2 }).costUsd)).toBe("0.3");
    const tenths = Array.from({ length: 3 }, () => ({ model: "m", usage: call }));
    expect(String(sumUsage(tenths).costUsd)).toBe("0.3");
  });

  it("an unpriced call still makes the sum a lower bound, not zero", () => {
    const priced = { inputTokens: 1, outputTokens: 1, costUsd: 0.1 };
    const unpriced = { inputTokens: 1, outputTokens: 1, costUsd: null };
    expect(addUsage(priced, unpriced).costUsd).toBe(0.1);
    expect(addUsage(unpriced, unpriced).costUsd).toBeNull();
  });
});
