import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { messageOf } from "@consortium/config/messageOf";
import { ApiError } from "./ApiError.js";
import { checkBearer } from "./auth.js";
import { checkBrowserAccess, checkJsonBody } from "./browserGuard.js";
import { shuttingDownError } from "./busy.js";
import { folderProblem, makeCatalog } from "./catalog.js";
import { handleChat } from "./chat.js";
import { sendError, sendJson } from "./http.js";
import type { ServeOptions } from "./options.js";
import { makeRunner, StartFailed } from "./Runner.js";
import { makeRunSlots } from "./slots.js";
import { makeThreadRunner } from "./threadRunner.js";

// `consortium serve`: an OpenAI-compatible HTTP server where every consortium is a model.
//
// Plain node:http rather than @effect/platform's HttpServer: the server's hard parts are socket-level
// (a client that disconnects must abort its run at once, a body refused by size before it is read,
// idle keep-alive connections closed on shutdown while busy ones finish), and node:http exposes each
// of them directly. The runs themselves are Effect fibers on one shared runtime (Runner.ts), on a
// thread of their own when the CLI is bundled (threadRunner.ts).

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Answers new requests 503, lets runs finish for up to `graceMs`, interrupts the rest, stops listening, closes the store. */
  readonly shutdown: (graceMs?: number) => Promise<void>;
}

const route = (req: IncomingMessage): string => (req.url ?? "/").split("?")[0]?.replace(/\/+$/, "") ?? "";

export const startServer = async (options: ServeOptions): Promise<RunningServer> => {
  const missing = folderProblem(options.dir);
  if (missing !== undefined) throw new StartFailed(missing);
  const runnerOptions = { db: options.db, noLog: options.noLog };
  const runner = (await makeThreadRunner(runnerOptions, options.log)) ?? (await makeRunner(runnerOptions));
  const catalog = makeCatalog(options.dir, options.log);
  const slots = makeRunSlots(options.maxRuns, options.maxQueue);
  let stopping = false;

  const models = async () =>
    (await catalog.all()).map((config) => ({
      id: config.name,
      object: "model",
      created: 0,
      owned_by: "consortium",
      description: config.description ?? null
    }));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    if (stopping) {
      // the connection is not kept for a next request: the server is going away
      res.setHeader("connection", "close");
      throw shuttingDownError();
    }
    checkBrowserAccess(req, options.host, options.apiKey);
    const path = route(req);
    if (path === "/v1/models" || path.startsWith("/v1/models/")) {
      if (req.method !== "GET") throw new ApiError(405, "invalid_request_error", `${req.method} ${path}: use GET`);
      checkBearer(req, options.apiKey);
      const list = await models();
      if (path === "/v1/models") {
        sendJson(res, 200, { object: "list", data: list });
        return "200";
      }
      const name = decodeURIComponent(path.slice("/v1/models/".length));
      const model = list.find((entry) => entry.id === name);
      if (model === undefined) {
        throw new ApiError(404, "not_found_error", `no consortium named ${JSON.stringify(name)}`, {
          code: "model_not_found"
        });
      }
      sendJson(res, 200, model);
      return "200";
    }
    if (path === "/v1/chat/completions") {
      if (req.method !== "POST") throw new ApiError(405, "invalid_request_error", `${req.method} ${path}: use POST`);
      checkBearer(req, options.apiKey);
      checkJsonBody(req);
      return handleChat(req, res, {
        catalog,
        runner,
        maxBodyBytes: options.maxBodyBytes,
        admit: slots.admit,
        stopping: () => stopping,
        log: options.log
      });
    }
    throw new ApiError(404, "not_found_error", `no such endpoint: ${req.method} ${path}`, { code: "unknown_url" });
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    handle(req, res)
      .catch((error: unknown) => {
        if (error instanceof ApiError) {
          sendError(res, error);
          return `${error.status} ${error.message}`;
        }
        // a bug: say so without a stack, and keep serving
        const message = messageOf(error);
        sendError(res, new ApiError(500, "server_error", "internal error"));
        return `500 ${message.split("\n")[0]}`;
      })
      .then((outcome) => options.log(`${req.method} ${route(req)} ${outcome} ${Date.now() - started}ms`));
  });
  // runs can take minutes: no request or socket timeout may cut them
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      void runner.dispose();
      const reason = error.code === "EADDRINUSE" ? "the address is in use" : error.message;
      reject(new StartFailed(`cannot listen on ${options.host}:${options.port}: ${reason}`));
    });
    server.listen(options.port, options.host, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (graceMs = options.graceMs) => {
    if (shuttingDown !== undefined) {
      // asked again with no grace (a second signal): cut the runs still waited for
      if (graceMs === 0) slots.abortAll();
      return shuttingDown;
    }
    shuttingDown = (async () => {
      stopping = true;
      // requests waiting for a slot get 503 now: the grace is for runs already going
      slots.close();
      // Still listening while the runs finish: a request arriving in the grace is answered 503, which
      // a client or a load balancer can act on, where a refused connection says nothing of why.
      server.closeIdleConnections();
      if (slots.size() > 0) {
        options.log(`shutting down: waiting up to ${graceMs} ms for ${slots.size()} run(s)`);
        let timer: NodeJS.Timeout | undefined;
        const expired = await Promise.race([
          slots.drained().then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), graceMs);
          })
        ]);
        clearTimeout(timer);
        if (expired && slots.size() > 0) {
          options.log(`shutting down: interrupting ${slots.size()} run(s)`);
          slots.abortAll();
          await slots.drained();
        }
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await runner.dispose();
    })();
    return shuttingDown;
  };

  return { url: `http://${host}:${address.port}`, port: address.port, shutdown };
};
