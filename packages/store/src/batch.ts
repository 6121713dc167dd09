// Rows that arrive together are committed together: an eval ends dozens of calls at once, and one
// transaction per row cost more CPU than the rest of a cassette replay. A batch is what arrives while
// the current task runs (Effect runs a burst of ready fibers in one task), committed in a microtask
// right after it: never behind a timer or setImmediate, which a busy chain of promises can starve.
// Each row's promise settles when the transaction holding it commits, so a caller learns within
// microseconds that its row is on disk, and an interrupted process keeps every row whose write returned.

export interface Batcher<Row> {
  /** Resolves once `row` is committed; rejects with the reason it could not be. */
  readonly add: (row: Row) => Promise<void>;
  /** Commits what is waiting now (the store calls it before it closes). */
  readonly flush: () => Promise<void>;
}

interface Waiting<Row> {
  readonly row: Row;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/** A batch this size is committed at once rather than at the end of the tick. */
export const MAX_BATCH = 256;

/**
 * `commit` writes all of its rows in one transaction or none of them. When a batch fails, each of its
 * rows is tried again in a transaction of its own, so one bad row (or one run's) fails alone and
 * never takes its neighbours with it.
 */
export const makeBatcher = <Row>(commit: (rows: ReadonlyArray<Row>) => void | Promise<void>): Batcher<Row> => {
  let waiting: Array<Waiting<Row>> = [];
  let scheduled = false;
  // One commit at a time: rows arriving during an asynchronous commit form the next batch.
  let running: Promise<void> = Promise.resolve();

  const settle = async (batch: ReadonlyArray<Waiting<Row>>): Promise<void> => {
    try {
      await commit(batch.map((item) => item.row));
      for (const item of batch) item.resolve();
      return;
    } catch (cause) {
      if (batch.length === 1) {
        batch[0]!.reject(cause);
        return;
      }
    }
    for (const item of batch) {
      try {
        await commit([item.row]);
        item.resolve();
      } catch (cause) {
        item.reject(cause);
      }
    }
  };

  const flush = (): Promise<void> => {
    scheduled = false;
    if (waiting.length === 0) return running;
    const batch = waiting;
    waiting = [];
    running = running.then(() => settle(batch));
    return running;
  };

  const add = (row: Row): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ row, resolve, reject });
      if (waiting.length >= MAX_BATCH) {
        void flush();
      } else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    });

  return { add, flush };
};
