import { describe, expect, it } from "vitest";
import { MAX_BATCH, makeBatcher } from "../src/batch.js";

describe("makeBatcher", () => {
  it("commits rows added in the same tick in one transaction, and each promise settles after it", async () => {
    const commits: Array<ReadonlyArray<number>> = [];
    const batcher = makeBatcher<number>((rows) => {
      commits.push(rows);
    });
    const written = [1, 2, 3].map((row) => batcher.add(row));
    expect(commits).toEqual([]);
    await Promise.all(written);
    expect(commits).toEqual([[1, 2, 3]]);
    await batcher.add(4);
    expect(commits).toEqual([[1, 2, 3], [4]]);
  });

  it("a failing batch is retried row by row, so only the bad row fails", async () => {
    const commits: Array<ReadonlyArray<string>> = [];
    const batcher = makeBatcher<string>((rows) => {
      commits.push(rows);
      if (rows.includes("bad")) throw new Error("constraint failed");
    });
    const outcomes = await Promise.allSettled(["a", "bad", "c"].map((row) => batcher.add(row)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(commits).toEqual([["a", "bad", "c"], ["a"], ["bad"], ["c"]]);
  });

  it("commits a full batch at once, and flush commits what waits", async () => {
    const commits: Array<number> = [];
    const batcher = makeBatcher<number>((rows) => {
      commits.push(rows.length);
    });
    const rows = Array.from({ length: MAX_BATCH + 1 }, (_, index) => batcher.add(index));
    await batcher.flush();
    expect(commits).toEqual([MAX_BATCH, 1]);
    await Promise.all(rows);
  });

  it("waits for an asynchronous commit before the next, so batches land in order", async () => {
    const order: Array<string> = [];
    let release: () => void = () => undefined;
    const batcher = makeBatcher<string>(async (rows) => {
      order.push(`begin ${rows.join(",")}`);
      if (rows[0] === "a") await new Promise<void>((resolve) => (release = resolve));
      order.push(`end ${rows.join(",")}`);
    });
    const first = batcher.add("a");
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.add("b");
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["begin a"]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["begin a", "end a", "begin b", "end b"]);
  });
});
