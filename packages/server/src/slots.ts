// The runs in flight, at most `max` at once. A request past the limit is told when to come back: the
// soonest a slot should free, from how long recent runs took (the OpenAI SDKs honour `retry-after-ms`,
// others round up to whole seconds with `Retry-After`), so clients neither hammer nor idle.

interface Slot {
  readonly startedMs: number;
  readonly done: Promise<void>;
}

export interface RunSlots {
  /** A release function, or the suggested wait in ms when every slot is taken. */
  readonly acquire: (controller: AbortController) => (() => void) | { readonly retryAfterMs: number };
  readonly size: () => number;
  readonly abortAll: () => void;
  /** Resolves when every run in flight now has released its slot. */
  readonly drained: () => Promise<void>;
}

const MIN_WAIT_MS = 20;
const MAX_WAIT_MS = 30_000;

export const makeRunSlots = (max: number, now: () => number = Date.now): RunSlots => {
  const slots = new Map<AbortController, Slot>();
  // a moving average of run durations; the first guess is one second
  let typicalMs = 1000;

  const acquire = (controller: AbortController) => {
    if (slots.size >= max) {
      const t = now();
      const soonest = Math.min(...[...slots.values()].map((slot) => slot.startedMs + typicalMs - t));
      return { retryAfterMs: Math.round(Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, soonest))) };
    }
    let done = () => {};
    const startedMs = now();
    slots.set(controller, {
      startedMs,
      done: new Promise<void>((resolve) => {
        done = resolve;
      })
    });
    return () => {
      if (!slots.delete(controller)) return;
      typicalMs = 0.8 * typicalMs + 0.2 * (now() - startedMs);
      done();
    };
  };

  return {
    acquire,
    size: () => slots.size,
    abortAll: () => {
      for (const controller of slots.keys()) controller.abort();
    },
    drained: () => Promise.all([...slots.values()].map((slot) => slot.done)).then(() => undefined)
  };
};
