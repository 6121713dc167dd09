import { describe, expect, it } from "vitest";
import { type Admission, makeRunSlots } from "../src/slots.js";

// Admission: at most `maxRuns` at once, then a first-come-first-served line of `maxQueue`, and only a
// full line says when to come back.

const released = (admission: Admission): (() => void) => {
  if (admission._tag !== "Admitted") throw new Error(`expected a slot, got ${admission._tag}`);
  return admission.release;
};

describe("run slots", () => {
  it("refuses past the slots and the line with a wait from how long runs take, and frees on release", async () => {
    let now = 0;
    const slots = makeRunSlots(2, 0, () => now);
    const a = released(await slots.admit(new AbortController()));
    now = 300;
    const b = released(await slots.admit(new AbortController()));
    now = 400;
    // first guess: runs take 1000 ms; the oldest started at 0, so about 600 ms from now
    expect(await slots.admit(new AbortController())).toEqual({ _tag: "Busy", retryAfterMs: 600 });
    a();
    expect(slots.size()).toBe(1);
    // a took 400 ms: the average moves toward it
    const c = released(await slots.admit(new AbortController()));
    now = 500;
    expect(await slots.admit(new AbortController())).toEqual({ _tag: "Busy", retryAfterMs: 880 - 200 });
    b();
    c();
    await slots.drained();
    expect(slots.size()).toBe(0);
  });

  it("hands a freed slot to the longest waiting request at once, and says 429 only when the line is full", async () => {
    const slots = makeRunSlots(1, 2);
    const first = released(await slots.admit(new AbortController()));
    const queued: Array<number> = [];
    const second = slots.admit(new AbortController(), (waiting) => queued.push(waiting));
    const third = slots.admit(new AbortController(), (waiting) => queued.push(waiting));
    expect(queued).toEqual([1, 2]);
    expect((await slots.admit(new AbortController()))._tag).toBe("Busy");
    first();
    // the release itself handed the slot over: no client had to come back for it
    expect(slots.size()).toBe(1);
    expect(slots.waiting()).toBe(1);
    released(await second)();
    released(await third)();
    expect(slots.size()).toBe(0);
  });

  it("a request whose client leaves while waiting is taken out of the line", async () => {
    const slots = makeRunSlots(1, 2);
    const first = released(await slots.admit(new AbortController()));
    const leaving = new AbortController();
    const left = slots.admit(leaving);
    const staying = slots.admit(new AbortController());
    leaving.abort();
    expect(await left).toEqual({ _tag: "Cancelled" });
    expect(slots.waiting()).toBe(1);
    first();
    released(await staying)();
    expect(await slots.admit(leaving)).toEqual({ _tag: "Cancelled" });
  });

  it("closing answers the line Closed, keeps the runs going, and admits nothing more", async () => {
    const slots = makeRunSlots(1, 2);
    const first = released(await slots.admit(new AbortController()));
    const waiting = slots.admit(new AbortController());
    slots.close();
    expect(await waiting).toEqual({ _tag: "Closed" });
    expect(slots.size()).toBe(1);
    first();
    expect(await slots.admit(new AbortController())).toEqual({ _tag: "Closed" });
  });

  it("abortAll aborts every run in flight", async () => {
    const slots = makeRunSlots(3, 0);
    const controllers = [new AbortController(), new AbortController()];
    for (const controller of controllers) await slots.admit(controller);
    slots.abortAll();
    expect(controllers.every((controller) => controller.signal.aborted)).toBe(true);
  });
});
