import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./ApiError.js";

// Small helpers over node:http: JSON replies, a size-limited body, the bearer check.

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {}
): void => {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers
  });
  res.end(text);
};

export const sendError = (res: ServerResponse, error: ApiError): void =>
  sendJson(res, error.status, error.body(), error.options.headers);

/** The body as text, refused with 413 past `limit` bytes: by Content-Length before reading, else while reading. */
export const readBody = (req: IncomingMessage, limit: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const tooLarge = () =>
      new ApiError(413, "invalid_request_error", `the request body is larger than the limit of ${limit} bytes`, {
        code: "request_too_large",
        headers: { connection: "close" }
      });
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      // drain what the client still sends so it can read the 413 instead of a reset
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Array<Buffer> = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (error) => {
      if (!failed) reject(error);
    });
  });
