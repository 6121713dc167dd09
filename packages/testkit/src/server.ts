import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleControl } from "./control.js";
import { echoReply, echoText, ScriptBook } from "./ScriptBook.js";
import { StatsTracker } from "./StatsTracker.js";
import type { FakeLlm, FakeLlmOptions, Outcome, RecordedRequest, Reply } from "./types.js";
import { anthropicWire } from "./wire/anthropic.js";
import { openaiWire } from "./wire/openai.js";
import { estimateTokens, splitForStream } from "./wire/text.js";
import type { Answer, Wire } from "./wire/Wire.js";

// A real HTTP server on loopback speaking just enough of both providers' APIs for the official SDKs.
// It is on the hot path of the benchmarks (thousands of calls at high concurrency), so a request
// costs one JSON.parse, one JSON.stringify and one write.

type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

const routes: Readonly<Record<string, Wire>> = {
  "/v1/chat/completions": openaiWire,
  "/v1/messages": anthropicWire
};

/** What a broken 200 looks like by default: JSON cut off mid-way. */
const TRUNCATED_JSON = '{"id":"broken","choices":[{"index":0,"message":{"role":"assist';

const defaultErrorMessage = (status: number): string =>
  status === 429
    ? "Rate limit reached (fake)"
    : status >= 500
      ? "The server had an error (fake)"
      : `HTTP ${status} (fake)`;

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"))
    );
    req.on("error", reject);
  });

const sendJson = (res: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers
  });
  res.end(payload);
};

export const startFakeLlm = async (options: FakeLlmOptions = {}): Promise<FakeLlm> => {
  const book = new ScriptBook(options.defaultReply ?? echoReply);
  for (const [model, script] of Object.entries(options.scripts ?? {})) book.set(model, script);
  const stats = new StatsTracker();
  const keepRequests = options.record ?? true;
  let requests: Array<MutableRecord> = [];
  let seq = 0;
  const idleWaiters = new Set<() => void>();

  const notifyIfIdle = (): void => {
    if (stats.inFlight !== 0) return;
    for (const wake of idleWaiters) wake();
    idleWaiters.clear();
  };

  /** A streamed reply written piece by piece, with the pauses its script asks for; ends "answered". */
  const streamPaced = (
    wire: Wire,
    res: ServerResponse,
    record: MutableRecord,
    answer: Answer,
    reply: Reply,
    end: (outcome: "answered") => void
  ): void => {
    const pacing = reply.stream ?? {};
    const frames = wire.streamFrames(answer, pacing.pieces ?? splitForStream(answer.text));
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const write = async (): Promise<void> => {
      for (const [index, piece] of frames.pieces.entries()) {
        if (index > 0 && pacing.delayMs !== undefined && pacing.delayMs > 0) await pause(pacing.delayMs);
        if (index === 1 && pacing.holdAfterFirst !== undefined) await pacing.holdAfterFirst;
        if (res.destroyed || record.outcome !== "pending") return;
        res.write(index === 0 ? frames.head + piece : piece);
        if (index === 0) record.firstPieceAt = performance.timeOrigin + performance.now();
      }
      if (res.destroyed || record.outcome !== "pending") return;
      res.end(frames.pieces.length === 0 ? frames.head + frames.tail : frames.tail);
      end("answered");
    };
    write().catch(() => res.destroy());
  };

  const answer = (
    wire: Wire,
    res: ServerResponse,
    request: MutableRecord,
    reply: Reply,
    end: (outcome: "answered") => void
  ): Outcome => {
    const fault = reply.fault;
    if (fault === undefined) {
      const text = reply.text ?? "";
      const inputTokens =
        reply.usage?.input ??
        estimateTokens(request.system ?? "") +
          request.messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
      const answered: Answer = {
        model: request.model,
        text,
        inputTokens,
        outputTokens: reply.usage?.output ?? estimateTokens(text),
        cachedTokens: reply.usage?.cached ?? 0,
        cacheWriteTokens: reply.usage?.cacheWrite ?? 0,
        stopReason: reply.stopReason
      };
      if (request.stream && reply.stream !== undefined) {
        streamPaced(wire, res, request, answered, reply, end);
        return "pending";
      }
      const rendered = wire.answer(answered, request.stream);
      if (request.stream) {
        res.writeHead(200, { "content-type": rendered.contentType, "cache-control": "no-cache" });
        request.firstPieceAt = performance.timeOrigin + performance.now();
      } else {
        res.writeHead(200, {
          "content-type": rendered.contentType,
          "content-length": Buffer.byteLength(rendered.payload)
        });
      }
      res.end(rendered.payload);
      return "answered";
    }
    switch (fault.type) {
      case "status": {
        const headers: Record<string, string> = { "x-request-id": `req_fake_${request.seq}` };
        if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
        if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
        const body = fault.body ?? wire.error(fault.status, fault.message ?? defaultErrorMessage(fault.status));
        sendJson(res, fault.status, body, headers);
        return "fault";
      }
      case "malformed": {
        const body = fault.body ?? TRUNCATED_JSON;
        res.writeHead(200, {
          "content-type": fault.contentType ?? "application/json",
          "content-length": Buffer.byteLength(body)
        });
        res.end(body);
        return "fault";
      }
      case "reset":
        res.socket?.destroy();
        return "fault";
      case "hang":
        return "pending";
    }
  };

  const handleCall = async (wire: Wire, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await readBody(req));
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, wire.error(400, "the request body is not a JSON object"));
    }
    const parsed = wire.parse(body);
    if (typeof parsed === "string") return sendJson(res, 400, wire.error(400, parsed));

    const record: MutableRecord = {
      seq: ++seq,
      index: stats.started(parsed.model),
      protocol: wire.protocol,
      path: req.url ?? "",
      model: parsed.model,
      stream: parsed.stream,
      system: parsed.system,
      messages: parsed.messages,
      body,
      headers: req.headers,
      startedAt: Date.now(),
      endedAt: undefined,
      outcome: "pending",
      aborted: false,
      status: undefined,
      firstPieceAt: undefined
    };
    if (keepRequests) requests.push(record);

    let timer: NodeJS.Timeout | undefined;
    const end = (outcome: Exclude<Outcome, "pending">): void => {
      if (record.outcome !== "pending") return;
      record.outcome = outcome;
      record.aborted = outcome === "aborted";
      record.endedAt = Date.now();
      if (outcome !== "aborted" && res.headersSent) record.status = res.statusCode;
      stats.ended(record.model, record.aborted);
      notifyIfIdle();
    };
    // "close" comes after a complete response too; only a still-pending request was aborted.
    res.on("close", () => {
      if (timer !== undefined) clearTimeout(timer);
      end("aborted");
    });

    const respond = (reply: Reply): void => {
      timer = undefined;
      if (record.outcome !== "pending" || res.destroyed) return;
      try {
        // Replies without text echo the request (or join their stream pieces), unless they are faults.
        const full =
          reply.text === undefined && reply.fault === undefined
            ? { ...reply, text: reply.stream?.pieces?.join("") ?? echoText(record) }
            : reply;
        const outcome = answer(wire, res, record, full, end);
        if (outcome !== "pending") end(outcome);
      } catch (error) {
        sendJson(res, 500, wire.error(500, `fake script failed: ${String(error)}`));
        end("fault");
      }
    };

    let reply: Reply;
    try {
      reply = await book.replyFor(record);
    } catch (error) {
      // The client may have gone while an async script ran; then there is no one to tell.
      if (record.outcome !== "pending") return;
      sendJson(res, 500, wire.error(500, `fake script failed: ${String(error)}`));
      return end("fault");
    }
    if (reply.latencyMs !== undefined && reply.latencyMs > 0) {
      timer = setTimeout(respond, reply.latencyMs, reply);
    } else {
      respond(reply);
    }
  };

  const server = createServer({ noDelay: true }, (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0]!;
    const wire = req.method === "POST" ? routes[path] : undefined;
    if (wire !== undefined) {
      handleCall(wire, req, res).catch(() => res.destroy());
      return;
    }
    if (path.startsWith("/_fake/")) {
      handleControl(path, req, res, fake);
      return;
    }
    sendJson(res, 404, openaiWire.error(404, `no route for ${req.method} ${path}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;

  const fake: FakeLlm = {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    port,
    script: (model, script) => book.set(model, script),
    get requests() {
      return requests;
    },
    get stats() {
      return stats.snapshot();
    },
    idle: (timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        if (stats.inFlight === 0) return resolve();
        const timer = setTimeout(() => {
          idleWaiters.delete(wake);
          reject(new Error(`fake LLM: ${stats.inFlight} request(s) still in flight after ${timeoutMs}ms`));
        }, timeoutMs);
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        idleWaiters.add(wake);
      }),
    reset: () => {
      book.clear();
      requests = [];
      stats.reset();
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging requests hold their sockets open; dropping them ends those requests as aborted
      // (their "close" events come a tick later, hence the wait for idle).
      server.closeAllConnections();
      await closed;
      await fake.idle(1_000).catch(() => undefined);
    }
  };
  return fake;
};
