// Admission: at most `maxRuns` runs in flight, and at most `maxQueue` requests waiting in line for one.
// A waiting request takes a slot the moment one frees, first come first served: clients that cannot
// retry (most chat clients) still get an answer, and no slot sits idle while a client sleeps before
// its retry. Only when the slots and the line are both full is a request turned away, told when to
// come back: the soonest a slot should free, from how long recent runs took (the OpenAI SDKs honour
// `retry-after-ms`, others round up to whole seconds with `Retry-After`), so clients neither hammer
// nor idle.

export type Admission =
  | { readonly _tag: "Admitted"; readonly release: () => void }
  | { readonly _tag: "Busy"; readonly retryAfterMs: number }
  /** The request's controller was aborted (its client left) before a slot came free. */
  | { readonly _tag: "Cancelled" }
  /** The server is shutting down: no new runs. */
  | { readonly _tag: "Closed" };

export interface RunSlots {
  /**
   * A slot at once, or a place in line (`onQueued` is told, and the promise resolves when a slot is
   * handed over), or Busy with the suggested wait when the line is full too.
   */
  readonly admit: (controller: AbortController, onQueued?: (waiting: number) => void) => Promise<Admission>;
  readonly size: () => number;
  readonly waiting: () => number;
  readonly abortAll: () => void;
  /** No more admissions; every request still in line is answered Closed. */
  readonly close: () => void;
  /** Resolves when every run in flight now has released its slot. */
  readonly drained: () => Promise<void>;
}

interface Slot {
  readonly startedMs: number;
  readonly done: Promise<void>;
}

interface Waiter {
  readonly controller: AbortController;
  readonly resolve: (admission: Admission) => void;
  readonly onAbort: () => void;
}

const MIN_WAIT_MS = 20;
const MAX_WAIT_MS = 30_000;

export const makeRunSlots = (maxRuns: number, maxQueue: number, now: () => number = Date.now): RunSlots => {
  const slots = new Map<AbortController, Slot>();
  // a Set keeps insertion order (FIFO) and lets a client that leaves be taken out of the middle
  const line = new Set<Waiter>();
  let closed = false;
  // a moving average of run durations; the first guess is one second
  let typicalMs = 1000;

  const start = (controller: AbortController): Admission => {
    let done = () => {};
    const startedMs = now();
    slots.set(controller, {
      startedMs,
      done: new Promise<void>((resolve) => {
        done = resolve;
      })
    });
    const release = () => {
      if (!slots.delete(controller)) return;
      typicalMs = 0.8 * typicalMs + 0.2 * (now() - startedMs);
      done();
      handOver();
    };
    return { _tag: "Admitted", release };
  };

  const leave = (waiter: Waiter, admission: Admission) => {
    line.delete(waiter);
    waiter.controller.signal.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(admission);
  };

  // the freed slot goes straight to the longest waiting request
  const handOver = () => {
    if (closed) return;
    const next = line.values().next();
    if (next.done === true || slots.size >= maxRuns) return;
    leave(next.value, start(next.value.controller));
  };

  const busy = (): Admission => {
    const t = now();
    const soonest = Math.min(...[...slots.values()].map((slot) => slot.startedMs + typicalMs - t));
    return { _tag: "Busy", retryAfterMs: Math.round(Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, soonest))) };
  };

  const admit = (controller: AbortController, onQueued?: (waiting: number) => void): Promise<Admission> => {
    if (closed) return Promise.resolve({ _tag: "Closed" });
    if (controller.signal.aborted) return Promise.resolve({ _tag: "Cancelled" });
    if (slots.size < maxRuns && line.size === 0) return Promise.resolve(start(controller));
    if (line.size >= maxQueue) return Promise.resolve(busy());
    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        controller,
        resolve,
        onAbort: () => leave(waiter, { _tag: "Cancelled" })
      };
      line.add(waiter);
      controller.signal.addEventListener("abort", waiter.onAbort, { once: true });
      onQueued?.(line.size);
    });
  };

  return {
    admit,
    size: () => slots.size,
    waiting: () => line.size,
    abortAll: () => {
      for (const controller of slots.keys()) controller.abort();
    },
    close: () => {
      closed = true;
      for (const waiter of [...line]) leave(waiter, { _tag: "Closed" });
    },
    drained: () => Promise.all([...slots.values()].map((slot) => slot.done)).then(() => undefined)
  };
};
