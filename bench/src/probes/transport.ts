import http from "node:http";
import { performance } from "node:perf_hooks";
import { makeLlmClient } from "@consortium/providers";
import { Effect } from "effect";
import OpenAI from "openai";
import { startFake } from "../fake.js";
import { MEMBER_TEXT } from "../fixtures.js";

// Probe: the CPU one model call costs in the transport alone, before any of our code: node:http with
// a keep-alive agent, Node's global fetch (undici), the OpenAI SDK on that fetch, and the SDK on a
// node:http fetch; then our live client (packages/providers: the SDK on its own node:http fetch, the
// attempt's timeout, redaction), one attempt per call. The floor under the bench's "CPU per model call".

const CALLS = 4000;
const IN_FLIGHT = 192;
const MODEL = "probe-model";

// One agent each: a socket left idle by one transport's run would be closed by the server (keep-alive
// timeout) under the next one's feet.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
const sdkAgent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

const body = (index: number): string =>
  JSON.stringify({ model: MODEL, messages: [{ role: "user", content: `Question ${index}` }] });

const viaHttp = (url: string, payload: string) =>
  new Promise<string>((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent: httpAgent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
      },
      (response) => {
        const chunks: Array<Buffer> = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        response.on("error", reject);
      }
    );
    request.on("error", reject);
    request.end(payload);
  });

/** A fetch for the SDK over node:http: enough for non-streaming JSON calls. */
const httpFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
  new Promise((resolve, reject) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const payload = typeof init.body === "string" ? init.body : "";
    headers["content-length"] = String(Buffer.byteLength(payload));
    const request = http.request(url, { method: init.method ?? "GET", agent: sdkAgent, headers }, (response) => {
      const chunks: Array<Buffer> = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
        }
        resolve(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 0, headers: responseHeaders }));
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(payload);
  });

const fake = await startFake();
await fake.scriptAll({ [MODEL]: { text: MEMBER_TEXT, latencyMs: 100 } });
const endpoint = `${fake.openaiBaseUrl}/chat/completions`;
const sdk = new OpenAI({ apiKey: "sk-probe", baseURL: fake.openaiBaseUrl, maxRetries: 0 });
const sdkOverHttp = new OpenAI({ apiKey: "sk-probe", baseURL: fake.openaiBaseUrl, maxRetries: 0, fetch: httpFetch });
const ours = makeLlmClient({ env: { OPENAI_API_KEY: "sk-probe", OPENAI_BASE_URL: fake.openaiBaseUrl } });
const provider = {
  name: "openai",
  type: "openai",
  baseUrl: undefined,
  apiKeyEnv: "OPENAI_API_KEY",
  concurrency: undefined
} as const;
const ask = (client: OpenAI, index: number) =>
  client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `Question ${index}` }] });

const transports: Record<string, (index: number) => Promise<unknown>> = {
  "node:http, keep-alive agent": (index) => viaHttp(endpoint, body(index)),
  "global fetch (undici)": async (index) =>
    (
      await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: body(index) })
    ).json(),
  "OpenAI SDK (on global fetch)": (index) => ask(sdk, index),
  "OpenAI SDK on a node:http fetch": (index) => ask(sdkOverHttp, index),
  "our LlmClient (providers), one attempt": (index) =>
    Effect.runPromise(
      ours.complete(
        provider,
        { provider: "openai", model: MODEL, messages: [{ role: "user", content: `Question ${index}` }] },
        { timeoutMs: 60_000 }
      )
    )
};

try {
  process.stdout.write(`${CALLS} calls, ${IN_FLIGHT} in flight, 100 ms fake latency\n`);
  for (const [name, call] of Object.entries(transports)) {
    await Promise.all(Array.from({ length: 50 }, (_, index) => call(index))); // warm up
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < CALLS) await call(next++);
      })
    );
    const used = process.cpuUsage(cpu);
    const perCall = (used.user + used.system) / 1000 / CALLS;
    const wall = performance.now() - started;
    process.stdout.write(
      `${perCall.toFixed(3).padStart(7)} ms CPU per call  ${name} (wall ${(wall / 1000).toFixed(2)} s)\n`
    );
  }
} finally {
  await fake.close();
}
