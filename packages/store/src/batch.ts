// Rows that arrive together are committed together: an eval ends dozens of calls at once, and one
// transaction per row cost more CPU than the rest of a cassette replay. A batch is what arrives during
// one turn of the event loop, committed at its end (setImmediate). A live eval ends each call in a
// task of its own (its response's socket read), so a commit after each task, as a microtask, was a
// transaction per row: 13,900 transactions for 14,000 rows in a 2,000-case suite, each writing whole
// pages to the WAL. At the turn's end they are 10 to 60 rows each, no later than before in wall time.
// A busy chain of promises can hold the turn open: a batch whose first row has waited MAX_WAIT_MS is
// committed with the next row added, without waiting for the turn to end.
// Each row's promise settles when the transaction holding it commits, so a caller learns within
// milliseconds that its row is on disk, and an interrupted process keeps every row whose write returned.

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

/** A batch this size is committed at once rather than at the end of the turn. */
export const MAX_BATCH = 256;

/** A batch whose first row waited this long is committed with the next row added, turn or not. */
export const MAX_WAIT_MS = 20;

/**
 * `commit` writes all of its rows in one transaction or none of them. When a batch fails, each of its
 * rows is tried again in a transaction of its own, so one bad row (or one run's) fails alone and
 * never takes its neighbours with it.
 */
export const makeBatcher = <Row>(
  commit: (rows: ReadonlyArray<Row>) => void | Promise<void>,
  /** Milliseconds, any origin (tests set the time). */
  now: () => number = () => performance.now()
): Batcher<Row> => {
  let waiting: Array<Waiting<Row>> = [];
  let scheduled = false;
  let firstAt = 0;
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
      const at = now();
      if (waiting.length === 1) firstAt = at;
      if (waiting.length >= MAX_BATCH || at - firstAt >= MAX_WAIT_MS) {
        void flush();
      } else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  return { add, flush };
};
