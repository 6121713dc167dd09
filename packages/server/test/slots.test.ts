import { describe, expect, it } from "vitest";
import { makeRunSlots } from "../src/slots.js";

// Run slots: at most `max` at once, and a full house says when the soonest slot should free.

describe("run slots", () => {
  it("refuses past the limit with a wait from how long runs take, and frees on release", async () => {
    let now = 0;
    const slots = makeRunSlots(2, () => now);
    const a = slots.acquire(new AbortController());
    now = 300;
    const b = slots.acquire(new AbortController());
    expect(typeof a).toBe("function");
    expect(typeof b).toBe("function");
    now = 400;
    // first guess: runs take 1000 ms; the oldest started at 0, so about 600 ms from now
    expect(slots.acquire(new AbortController())).toEqual({ retryAfterMs: 600 });
    if (typeof a === "function") a();
    expect(slots.size()).toBe(1);
    // a took 400 ms: the average moves toward it
    const c = slots.acquire(new AbortController());
    expect(typeof c).toBe("function");
    now = 500;
    const wait = slots.acquire(new AbortController());
    expect(wait).toEqual({ retryAfterMs: 880 - 200 });
    if (typeof b === "function") b();
    if (typeof c === "function") c();
    await slots.drained();
    expect(slots.size()).toBe(0);
  });

  it("abortAll aborts every run in flight", () => {
    const slots = makeRunSlots(3);
    const controllers = [new AbortController(), new AbortController()];
    for (const controller of controllers) slots.acquire(controller);
    slots.abortAll();
    expect(controllers.every((controller) => controller.signal.aborted)).toBe(true);
  });
});
