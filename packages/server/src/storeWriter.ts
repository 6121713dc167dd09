import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { BatchedWrite, CommitWrites } from "@consortium/store";

// A server's SQLite writes on a thread of their own. Committing a batch (better-sqlite3 is
// synchronous) took a quarter of a busy server's main thread, time during which no request was read,
// no model answer parsed and no next call sent. The store still batches on the main thread and each
// row's promise still settles only once its transaction has committed, now in the writer thread over
// its own connection to the same file: a run the engine has returned (and a client is told about) is
// on disk, and a killed server keeps every row it was told was written.

export interface StoreWriter {
  readonly commit: CommitWrites;
  /** Closes the thread's connection once the writes sent to it are committed. */
  readonly close: () => Promise<void>;
}

export type WriterRequest =
  | { readonly id: number; readonly writes: ReadonlyArray<BatchedWrite> }
  | { readonly close: true };
export type WriterReply = { readonly id: number; readonly error?: string };

// The bundled CLI has the thread's entry beside its chunks (see the CLI's build); run from source
// there is none, and the store commits on the main thread as a command-line run does.
const threadFile = new URL("./store-writer.js", import.meta.url);

/** Only the SQL and its parameters of a compiled statement cross to the thread. */
const portable = (write: BatchedWrite): BatchedWrite =>
  "query" in write
    ? {
        query: { sql: write.query.sql, parameters: write.query.parameters } as typeof write.query,
        ...(write.mustChange === undefined ? {} : { mustChange: write.mustChange })
      }
    : write;

interface Thread {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve: () => void; reject: (reason: Error) => void }>;
}

export const makeStoreWriter = (path: string): StoreWriter | undefined => {
  if (!existsSync(threadFile)) return undefined;
  let thread: Thread | undefined;
  let nextId = 0;

  const start = (): Thread => {
    const worker = new Worker(threadFile, { workerData: { path } });
    const started: Thread = { worker, waiting: new Map() };
    // Only a commit waited for keeps the process alive; an idle writer never holds it open.
    worker.unref();
    worker.on("message", (reply: WriterReply) => {
      const waiter = started.waiting.get(reply.id);
      if (waiter === undefined) return;
      started.waiting.delete(reply.id);
      if (started.waiting.size === 0) worker.unref();
      if (reply.error === undefined) waiter.resolve();
      else waiter.reject(new Error(reply.error));
    });
    // A thread that dies fails what it was given (the store reports and retries those rows, and the
    // next commit starts a new thread).
    const stopped = (reason: string) => {
      if (thread === started) thread = undefined;
      for (const waiter of started.waiting.values()) waiter.reject(new Error(reason));
      started.waiting.clear();
    };
    worker.on("error", (error) => stopped(`the store's writer thread failed: ${error.message}`));
    worker.on("exit", (code) => stopped(`the store's writer thread stopped (exit code ${code})`));
    return started;
  };

  const commit: CommitWrites = (writes) =>
    new Promise<void>((resolve, reject) => {
      thread ??= start();
      const id = nextId++;
      if (thread.waiting.size === 0) thread.worker.ref();
      thread.waiting.set(id, { resolve, reject });
      thread.worker.postMessage({ id, writes: writes.map(portable) } satisfies WriterRequest);
    });

  const close = async (): Promise<void> => {
    const closing = thread;
    thread = undefined;
    if (closing === undefined) return;
    const exited = new Promise<void>((resolve) => closing.worker.once("exit", () => resolve()));
    closing.worker.ref();
    closing.worker.postMessage({ close: true } satisfies WriterRequest);
    await exited;
  };

  // Started now, so loading its code is part of the server's start and not of its first requests.
  thread = start();
  return { commit, close };
};
