import http from "node:http";
import https from "node:https";
import { urlToHttpOptions } from "node:url";
import { WholeReply } from "./wholeReply.js";

// The `fetch` the SDK clients are given: node:http(s) with keep-alive agents. Node's global fetch
// (undici) cost about twice the CPU per call for the same requests, and the SDKs need nothing it adds.
// A JSON reply (every member call) is read whole before it is answered: one buffer, no stream, handed
// over as a WholeReply (wholeReply.ts), which reads it without the web stream a Response would build.
// An event stream (`text/event-stream`, a streamed completion) is handed over as soon as its headers
// arrive, its body a web ReadableStream fed as the bytes come, so the SDK can read events live.
// An abort (the engine's attempt timeout, or an interrupt) destroys the request, before or during the
// body, and rejects (or errors the body stream) with an AbortError, as fetch does; a reply cut off
// mid-body fails with the socket's error, never as a truncated body.

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true })
} as const;

const abortError = (signal: AbortSignal): Error => {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("This operation was aborted", "AbortError");
};

const headersOf = (init: RequestInit["headers"]): Record<string, string> => {
  const headers: Record<string, string> = {};
  if (init === undefined) return headers;
  // The SDKs hand over a Headers: read it as it is rather than copying it into another first.
  (init instanceof Headers ? init : new Headers(init)).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
};

const bodyOf = (body: RequestInit["body"]): string | Uint8Array | undefined => {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError("this fetch sends string or byte bodies only");
};

const responseHeaders = (raw: http.IncomingHttpHeaders): Headers => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else headers.set(name, value);
  }
  return headers;
};

interface Target {
  readonly href: string;
  readonly protocol: string;
  readonly options: http.RequestOptions;
}

// A client sends every call of a kind to the same URL: parse each once, not per call.
const targets = new Map<string, Target>();
const MAX_TARGETS = 256;

const targetOf = (input: string): Target => {
  let target = targets.get(input);
  if (target === undefined) {
    const url = new URL(input);
    target = { href: url.href, protocol: url.protocol, options: urlToHttpOptions(url) };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(input, target);
  }
  return target;
};

/**
 * The most a reply may carry. A model's answer is untrusted input: one reply of a few hundred
 * megabytes, read whole into memory, took a whole `serve` down with a fatal out-of-memory error. The
 * largest answers models write (a 128k-token limit) are well under a megabyte of JSON; 16 MiB leaves
 * room for anything a real reply carries besides.
 */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** A reply larger than MAX_REPLY_BYTES: it is cut off, and the call fails without being retried. */
export class ReplyTooLarge extends Error {
  override readonly name = "ReplyTooLarge";
  constructor() {
    super(`the reply is larger than ${MAX_REPLY_BYTES / (1024 * 1024)} MB: it was cut off`);
  }
}

/** Statuses whose Response may not carry a body. */
const NO_BODY = new Set([101, 204, 205, 304]);

const cutOff = (): Error =>
  Object.assign(new Error("the connection closed before the response ended"), { code: "ECONNRESET" });

const isEventStream = (response: http.IncomingMessage): boolean =>
  (response.headers["content-type"] ?? "").toLowerCase().startsWith("text/event-stream");

export const httpFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
  new Promise<Response>((resolve, reject) => {
    const url = targetOf(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const agent = url.protocol === "https:" ? agents["https:"] : url.protocol === "http:" ? agents["http:"] : undefined;
    if (agent === undefined) {
      reject(new TypeError(`unsupported protocol ${url.protocol}`));
      return;
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted === true) {
      reject(abortError(signal));
      return;
    }
    const payload = bodyOf(init.body);
    const headers = headersOf(init.headers);
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    const send = url.protocol === "https:" ? https.request : http.request;
    let settled = false;
    const fail = (cause: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      reject(cause);
    };
    const request = send({ ...url.options, method: init.method ?? "GET", agent, headers }, (response) => {
      const status = response.statusCode ?? 0;
      const statusText = response.statusMessage ?? "";
      if (isEventStream(response) && !NO_BODY.has(status)) {
        streamBody(response, { status, statusText, headers: responseHeaders(response.headers) });
        return;
      }
      const chunks: Array<Buffer> = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REPLY_BYTES) chunks.push(chunk);
        else if (!settled) {
          chunks.length = 0;
          const error = new ReplyTooLarge();
          fail(error);
          request.destroy(error);
        }
      });
      response.on("error", fail);
      response.on("close", () => {
        if (settled) return;
        if (!response.complete) {
          fail(cutOff());
          return;
        }
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        try {
          const bytes = NO_BODY.has(status) ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          resolve(new WholeReply(url.href, status, statusText, response.headers, bytes) as unknown as Response);
        } catch (cause) {
          // A status fetch cannot represent (outside 200-599).
          reject(cause);
        }
      });
    });
    // The Response is out once the headers are in; from then on an abort or a cut-off errors the body.
    let bodyFailed: ((cause: Error) => void) | undefined;
    const streamBody = (response: http.IncomingMessage, responseInit: ResponseInit): void => {
      let done = false;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          bodyFailed = (cause) => {
            if (done) return;
            done = true;
            controller.error(cause);
          };
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_REPLY_BYTES) {
              const error = new ReplyTooLarge();
              bodyFailed?.(error);
              request.destroy(error);
              return;
            }
            if (!done) controller.enqueue(new Uint8Array(chunk));
          });
          response.on("error", (cause) => bodyFailed?.(cause));
          response.on("close", () => {
            signal?.removeEventListener("abort", onAbort);
            if (done) return;
            if (!response.complete) return bodyFailed?.(cutOff());
            done = true;
            controller.close();
          });
        },
        cancel() {
          // The reader gave up (the SDK stopped iterating): the rest of the reply is not wanted.
          done = true;
          signal?.removeEventListener("abort", onAbort);
          request.destroy();
        }
      });
      settled = true;
      try {
        resolve(new Response(body, responseInit));
      } catch (cause) {
        request.destroy();
        reject(cause);
      }
    };
    const onAbort = () => {
      const error = abortError(signal!);
      fail(error);
      bodyFailed?.(error);
      request.destroy(error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", fail);
    request.end(payload);
  });
