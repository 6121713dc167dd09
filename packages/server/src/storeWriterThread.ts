import { parentPort, workerData } from "node:worker_threads";
import { messageOf } from "@consortium/config/messageOf";
import { openSqliteWriter } from "@consortium/store";
import type { WriterReply, WriterRequest } from "./storeWriter.js";

// The writer thread's side (see storeWriter.ts): commits each batch it is sent in one transaction over
// its own connection, and replies once it is on disk or with the one-line reason it is not. The
// connection opens at the first batch: by then the main thread has created and migrated the database.

const { path } = workerData as { readonly path: string };
const port = parentPort;
let writer: ReturnType<typeof openSqliteWriter> | undefined;

port?.on("message", async (request: WriterRequest) => {
  if ("close" in request) {
    writer?.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    writer ??= openSqliteWriter(path);
    await writer.commit(request.writes);
    reply = { id: request.id };
  } catch (cause) {
    reply = { id: request.id, error: messageOf(cause) };
  }
  port.postMessage(reply);
});
