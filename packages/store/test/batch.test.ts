import { describe, expect, it } from "vitest";
import { MAX_BATCH, MAX_WAIT_MS, makeBatcher } from "../src/batch.js";

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

  it("rows added by separate tasks of one turn of the event loop share a transaction", async () => {
    const commits: Array<ReadonlyArray<number>> = [];
    const batcher = makeBatcher<number>((rows) => {
      commits.push(rows);
    });
    // Immediates queued before a turn's check phase all run in it, each a task of its own (as the
    // responses of several calls read from their sockets in one poll), with the microtasks run between.
    const added = [1, 2, 3].map((row) => new Promise<void>((resolve) => setImmediate(() => resolve(batcher.add(row)))));
    await Promise.all(added);
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it("a batch held open past MAX_WAIT_MS is committed with the next row, without the turn ending", async () => {
    const commits: Array<ReadonlyArray<number>> = [];
    let time = 0;
    const batcher = makeBatcher<number>(
      (rows) => {
        commits.push(rows);
      },
      () => time
    );
    const first = batcher.add(1);
    time = MAX_WAIT_MS - 1;
    const second = batcher.add(2);
    // microtasks only: a chain of promises that keeps the turn from ending
    for (let step = 0; step < 5; step += 1) await Promise.resolve();
    expect(commits).toEqual([]);
    time = MAX_WAIT_MS;
    const third = batcher.add(3);
    for (let step = 0; step < 5; step += 1) await Promise.resolve();
    expect(commits).toEqual([[1, 2, 3]]);
    await Promise.all([first, second, third]);
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
