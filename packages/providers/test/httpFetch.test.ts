import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpFetch } from "../src/httpFetch.js";

// The SDKs' fetch over node:http: what they rely on from fetch, against a bare local server.

let server: Server;
let base: string;
let cutOff = 0;
const received: Array<{ method: string; body: string; type: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Array<Buffer> = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
        type: request.headers["content-type"]
      });
      if (request.url === "/json") {
        response.writeHead(429, {
          "content-type": "application/json",
          "retry-after": "2",
          "set-cookie": ["a=1", "b=2"]
        });
        response.end(JSON.stringify({ error: { message: "slow down" } }));
      } else if (request.url === "/cut") {
        response.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        response.write('{"partial":');
        setImmediate(() => {
          cutOff += 1;
          response.socket?.destroy();
        });
      }
      // "/hang": never answers
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("httpFetch", () => {
  it("sends the body and headers, and returns the status, headers and whole body", async () => {
    const response = await httpFetch(`${base}/json`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"q":"ü"}'
    });
    expect(received.at(-1)).toEqual({ method: "POST", body: '{"q":"ü"}', type: "application/json" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(await response.json()).toEqual({ error: { message: "slow down" } });
  });

  it("rejects with an AbortError when the signal aborts mid-request", async () => {
    const controller = new AbortController();
    const pending = httpFetch(`${base}/hang`, { method: "POST", body: "{}", signal: controller.signal });
    while (!received.some((request) => request.body === "{}" && request.method === "POST")) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    const already = new AbortController();
    already.abort();
    await expect(httpFetch(`${base}/json`, { signal: already.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects a reply cut off mid-body with a network error, not a truncated body", async () => {
    await expect(httpFetch(`${base}/cut`, { method: "POST", body: "" })).rejects.toMatchObject({
      code: expect.stringMatching(/^ECONNRESET$/)
    });
    expect(cutOff).toBe(1);
  });
});
