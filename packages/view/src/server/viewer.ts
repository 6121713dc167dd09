import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { messageOf } from "@consortium/config/messageOf";
import type { StoreShape } from "@consortium/store";
import { contentSecurityPolicy } from "../html/page.js";
import { authorized, COOKIE, hostHeaderAllowed, tokenOf } from "./access.js";
import { type Reply, route } from "./routes.js";

// `consortium view`: node:http over the store's read API. GET only; every answer carries the strict
// Content-Security-Policy and is never cached; nothing is served from outside this package.

export interface ViewerOptions {
  /** Opened read-only by the caller. */
  readonly store: StoreShape;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** When set, every request needs it as a bearer token (or the cookie `/login?token=` sets). */
  readonly apiKey?: string;
}

export interface Viewer {
  readonly url: string;
  readonly close: () => Promise<void>;
}

const HEADERS = {
  "content-security-policy": contentSecurityPolicy("server"),
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
} as const;

const send = (response: ServerResponse, reply: Reply, head: boolean, extra: Record<string, string> = {}) => {
  response.writeHead(reply.status, {
    ...HEADERS,
    "content-type": reply.type === "json" ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
    ...extra
  });
  response.end(head ? undefined : reply.body);
};

const text = (status: number, body: string): Reply => ({ status, type: "html", body: `${body}\n` });

export const handle = async (options: ViewerOptions, request: IncomingMessage, response: ServerResponse) => {
  const head = request.method === "HEAD";
  if (request.method !== "GET" && !head)
    return send(response, text(405, "read-only: GET only"), false, { allow: "GET, HEAD" });
  if (!hostHeaderAllowed(options.host, request.headers.host))
    return send(response, text(421, "unexpected Host header"), head);
  const url = new URL(request.url ?? "/", "http://viewer.invalid");
  if (url.pathname === "/login" && options.apiKey !== undefined) {
    const token = url.searchParams.get("token");
    if (!authorized(options.apiKey, token)) return send(response, text(401, "wrong token"), head);
    return send(response, text(303, "signed in"), head, {
      location: "/runs",
      "set-cookie": `${COOKIE}=${encodeURIComponent(token ?? "")}; HttpOnly; SameSite=Strict; Path=/`
    });
  }
  if (!authorized(options.apiKey, tokenOf(request.headers.authorization, request.headers.cookie))) {
    return send(response, text(401, "a bearer token is required (or open /login?token=…)"), head, {
      "www-authenticate": "Bearer"
    });
  }
  try {
    send(response, await route(options.store, url), head);
  } catch (cause) {
    send(response, text(500, `internal error: ${messageOf(cause)}`), head);
  }
};

export const startViewer = (options: ViewerOptions): Promise<Viewer> =>
  new Promise((resolve, reject) => {
    const server = createServer((request, response) => void handle(options, request, response));
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          })
      });
    });
  });
