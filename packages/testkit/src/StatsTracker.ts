import type { FakeStats, ModelStats } from "./types.js";

interface Counters {
  calls: number;
  inFlight: number;
  maxInFlight: number;
  aborted: number;
}

const fresh = (inFlight = 0): Counters => ({ calls: 0, inFlight, maxInFlight: inFlight, aborted: 0 });

/** Call counts and concurrency, overall and per model: how tests prove a concurrency cap holds. */
export class StatsTracker {
  private total = fresh();
  private byModel = new Map<string, Counters>();

  /** Returns how many calls this model had before this one (the request's `index`). */
  started(model: string): number {
    let counters = this.byModel.get(model);
    if (counters === undefined) {
      counters = fresh();
      this.byModel.set(model, counters);
    }
    const index = counters.calls;
    for (const c of [this.total, counters]) {
      c.calls++;
      c.inFlight++;
      if (c.inFlight > c.maxInFlight) c.maxInFlight = c.inFlight;
    }
    return index;
  }

  ended(model: string, aborted: boolean): void {
    const counters = this.byModel.get(model);
    for (const c of counters === undefined ? [this.total] : [this.total, counters]) {
      c.inFlight--;
      if (aborted) c.aborted++;
    }
  }

  get inFlight(): number {
    return this.total.inFlight;
  }

  /** Requests still in flight keep counting as in flight, so the numbers never go negative. */
  reset(): void {
    this.total = fresh(this.total.inFlight);
    const byModel = new Map<string, Counters>();
    for (const [model, counters] of this.byModel) {
      if (counters.inFlight > 0) byModel.set(model, fresh(counters.inFlight));
    }
    this.byModel = byModel;
  }

  snapshot(): FakeStats {
    const byModel: Record<string, ModelStats> = {};
    for (const [model, counters] of this.byModel) byModel[model] = { ...counters };
    return { ...this.total, byModel };
  }
}
