import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { arbiterReply, type Served, serve } from "./support.js";

// A web page the user opens can send requests to a server on loopback: a "simple" POST (text/plain, no
// CORS preflight) that starts a paid run, or, through DNS rebinding, requests under its own host name
// that it may read. serve refuses both, in OpenAI's error shape, and still answers every real client.

let fake: FakeLlm;
let open: Served;
let keyed: Served;

const BODY = JSON.stringify({ model: "pair", messages: [{ role: "user", content: "hi" }] });

interface Reply {
  readonly status: number;
  readonly body: { error?: { message: string; type: string; code: string | null } };
}

/** node:http rather than fetch, which decides the Host header itself. */
const send = (url: string, method: string, headers: Record<string, string>, body?: string): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Reply["body"] }));
    });
    req.on("error", reject);
    req.end(body);
  });

const chat = (server: Served, headers: Record<string, string>) =>
  send(`${server.url}/v1/chat/completions`, "POST", headers, BODY);

beforeAll(async () => {
  fake = await startFakeLlm();
  const root = mkdtempSync(join(tmpdir(), "consortium-serve-browser-"));
  mkdirSync(join(root, "consortia"));
  writeFileSync(join(root, "consortia", "pair.yaml"), "name: pair\nmembers: [openai/m]\narbiter: openai/judge-m\n");
  const args = ["--dir", join(root, "consortia"), "--no-log"];
  open = await serve(args, fakeLlmEnv(fake));
  keyed = await serve([...args, "--api-key-env", "SERVE_KEY"], { ...fakeLlmEnv(fake), SERVE_KEY: "k-123" });
});
afterAll(async () => {
  await open?.stop();
  await keyed?.stop();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.script("judge-m", { text: arbiterReply("fine") });
});

describe("serve and web pages", () => {
  it("refuses a page's simple cross-origin POST with 403 and runs nothing", async () => {
    const reply = await chat(open, { origin: "https://evil.example", "content-type": "text/plain" });
    expect(reply.status).toBe(403);
    expect(reply.body.error).toMatchObject({ type: "permission_error", code: "cross_origin_refused" });
    const declared = await chat(open, { origin: "https://evil.example", "content-type": "application/json" });
    expect(declared.status).toBe(403);
    expect((await chat(open, { origin: "null", "content-type": "application/json" })).status).toBe(403);
    const unnamed = await chat(open, { "sec-fetch-site": "cross-site", "content-type": "application/json" });
    expect(unnamed.status).toBe(403);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a Host that is not loopback with 421 (DNS rebinding), on every endpoint", async () => {
    const port = new URL(open.url).port;
    const models = await send(`${open.url}/v1/models`, "GET", { host: `evil.example:${port}` });
    expect(models.status).toBe(421);
    expect(models.body.error).toMatchObject({ type: "invalid_request_error", code: "misdirected_request" });
    const run = await chat(open, { host: `evil.example:${port}`, "content-type": "application/json" });
    expect(run.status).toBe(421);
    const keyedRun = await chat(keyed, {
      host: "evil.example",
      authorization: "Bearer k-123",
      "content-type": "application/json"
    });
    expect(keyedRun.status).toBe(421);
    // another loopback name or port (an ssh tunnel, a local proxy) is this machine still
    expect((await send(`${open.url}/v1/models`, "GET", { host: "localhost:9000" })).status).toBe(200);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a POST body not declared JSON with 415, before reading it", async () => {
    const plain = await chat(open, { "content-type": "text/plain" });
    expect(plain.status).toBe(415);
    expect(plain.body.error).toMatchObject({ type: "invalid_request_error", code: "unsupported_media_type" });
    expect((await chat(open, { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
    expect((await chat(open, {})).status).toBe(415);
    expect(fake.requests).toHaveLength(0);
  });

  it("answers a loopback page, a JSON client with a charset, and any origin that has the key", async () => {
    const local = await chat(open, { origin: "http://localhost:3000", "content-type": "application/json" });
    expect(local.status).toBe(200);
    const ipv6 = await chat(open, { origin: "http://[::1]:3000", "content-type": "application/json; charset=utf-8" });
    expect(ipv6.status).toBe(200);
    const withKey = await chat(keyed, {
      origin: "https://chat.example",
      authorization: "Bearer k-123",
      "content-type": "application/json"
    });
    expect(withKey.status).toBe(200);
    const withoutKey = await chat(keyed, { origin: "https://chat.example", "content-type": "application/json" });
    expect(withoutKey.status).toBe(401);
  });
});
