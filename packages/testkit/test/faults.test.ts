import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeLlm } from "../src/index.js";
import { anthropicBody, openaiBody, post } from "./helpers.js";

const fake = await startFakeLlm();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const chat = (model: string, init: RequestInit = {}) => post(fake, "/v1/chat/completions", openaiBody(model), init);

describe("status faults", () => {
  it("sends 429 in OpenAI's error shape with both Retry-After headers", async () => {
    fake.script("m", { fault: { type: "status", status: 429, retryAfter: 2, retryAfterMs: 1500 } });
    const res = await chat("m");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("retry-after-ms")).toBe("1500");
    expect(await res.json()).toEqual({
      error: { message: "Rate limit reached (fake)", type: "requests", code: "rate_limit_exceeded", param: null }
    });
    expect(fake.requests[0]).toMatchObject({ outcome: "fault", status: 429, aborted: false });
  });

  it("sends Anthropic's error shape, an HTTP-date Retry-After and a custom message", async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    fake.script("c", { fault: { type: "status", status: 529, retryAfter: date, message: "Overloaded" } });
    const res = await post(fake, "/v1/messages", anthropicBody("c"));
    expect(res.status).toBe(529);
    expect(res.headers.get("retry-after")).toBe(date);
    expect(await res.json()).toMatchObject({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" }
    });
  });

  it("sends a raw body when given one", async () => {
    fake.script("m", { fault: { type: "status", status: 500, body: "<html>oops</html>" } });
    const res = await chat("m");
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("<html>oops</html>");
  });
});

describe("sequences and functions", () => {
  it("plays a sequence in order and repeats its last reply", async () => {
    const limited = { fault: { type: "status", status: 429 } } as const;
    // Calls before the script do not consume it.
    await chat("m");
    fake.script("m", [limited, limited, { text: "finally" }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await chat("m")).status);
    expect(statuses).toEqual([429, 429, 200, 200]);
    expect(fake.requests.map((request) => request.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it("lets a function decide per request, async or not", async () => {
    fake.script("m", async (request) => ({ text: `call ${request.index} saw ${request.messages[0]?.content}` }));
    await chat("m");
    const res = await chat("m");
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe("call 1 saw hello");
  });

  it("answers 500 when a scripted function throws", async () => {
    fake.script("m", () => {
      throw new Error("bad script");
    });
    const res = await chat("m");
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).toContain("bad script");
    expect(fake.stats.inFlight).toBe(0);
  });

  it("refuses an empty sequence", () => {
    expect(() => fake.script("m", [])).toThrow(/needs a reply/);
  });
});

describe("hang, reset, malformed", () => {
  it("hangs until the client aborts, and records the abort", async () => {
    fake.script("slow", { fault: { type: "hang" } });
    const controller = new AbortController();
    const pending = chat("slow", { signal: controller.signal });
    await waitUntil(() => fake.stats.inFlight === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await fake.idle(2000);
    expect(fake.requests[0]).toMatchObject({ outcome: "aborted", aborted: true, status: undefined });
    expect(fake.stats).toMatchObject({ inFlight: 0, aborted: 1, calls: 1 });
    expect(fake.stats.byModel.slow).toEqual({ calls: 1, inFlight: 0, maxInFlight: 1, aborted: 1 });
  });

  it("records an abort during the scripted latency and never answers afterwards", async () => {
    fake.script("slow", { text: "late", latencyMs: 300 });
    const controller = new AbortController();
    const pending = chat("slow", { signal: controller.signal });
    await waitUntil(() => fake.stats.inFlight === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await fake.idle(2000);
    expect(fake.requests[0]?.outcome).toBe("aborted");
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(fake.requests[0]?.outcome).toBe("aborted");
  });

  it("destroys the socket on reset", async () => {
    fake.script("r", { fault: { type: "reset" } });
    await expect(chat("r")).rejects.toThrow(/fetch failed/);
    await fake.idle(2000);
    expect(fake.requests[0]).toMatchObject({ outcome: "fault", aborted: false });
    expect(fake.stats.aborted).toBe(0);
  });

  it("sends a 200 whose body is not a completion", async () => {
    fake.script("bad", { fault: { type: "malformed" } });
    const res = await chat("bad");
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
    fake.script("bad", { fault: { type: "malformed", body: "{}" } });
    expect(await (await chat("bad")).json()).toEqual({});
  });

  it("ends hanging requests as aborted when the server closes", async () => {
    const other = await startFakeLlm({ scripts: { h: { fault: { type: "hang" } } } });
    const pending = post(other, "/v1/chat/completions", openaiBody("h")).catch((error: unknown) => error);
    await waitUntil(() => other.stats.inFlight === 1);
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(other.requests[0]).toMatchObject({ outcome: "aborted", aborted: true });
    expect(other.stats.inFlight).toBe(0);
  });
});

describe("latency and concurrency stats", () => {
  it("waits the scripted latency on a real timer", async () => {
    fake.script("m", { text: "ok", latencyMs: 80 });
    const started = performance.now();
    await (await chat("m")).json();
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("counts calls and the peak of concurrent requests, overall and per model", async () => {
    fake.script("a", { text: "a", latencyMs: 100 });
    fake.script("b", { text: "b", latencyMs: 100 });
    await Promise.all([chat("a"), chat("a"), chat("a"), chat("b"), chat("b")].map((p) => p.then((r) => r.json())));
    expect(fake.stats).toMatchObject({ calls: 5, inFlight: 0, maxInFlight: 5, aborted: 0 });
    expect(fake.stats.byModel.a).toEqual({ calls: 3, inFlight: 0, maxInFlight: 3, aborted: 0 });
    expect(fake.stats.byModel.b).toEqual({ calls: 2, inFlight: 0, maxInFlight: 2, aborted: 0 });
  });

  it("idle() rejects when requests stay in flight", async () => {
    fake.script("h", { fault: { type: "hang" } });
    const controller = new AbortController();
    const pending = chat("h", { signal: controller.signal }).catch(() => undefined);
    await waitUntil(() => fake.stats.inFlight === 1);
    await expect(fake.idle(50)).rejects.toThrow(/1 request\(s\) still in flight/);
    controller.abort();
    await pending;
    await fake.idle(2000);
  });

  it("reset() keeps requests still in flight counted, so the numbers never go negative", async () => {
    fake.script("h", { fault: { type: "hang" } });
    const controller = new AbortController();
    const pending = chat("h", { signal: controller.signal }).catch(() => undefined);
    await waitUntil(() => fake.stats.inFlight === 1);
    fake.reset();
    expect(fake.stats).toMatchObject({ calls: 0, inFlight: 1, maxInFlight: 1 });
    expect(fake.requests).toHaveLength(0);
    controller.abort();
    await pending;
    await fake.idle(2000);
    expect(fake.stats.inFlight).toBe(0);
    expect(fake.stats.byModel.h?.inFlight).toBe(0);
  });

  it("can skip recording requests to keep memory flat", async () => {
    const quiet = await startFakeLlm({ record: false });
    try {
      await (await post(quiet, "/v1/chat/completions", openaiBody("m"))).json();
      expect(quiet.requests).toHaveLength(0);
      expect(quiet.stats.calls).toBe(1);
    } finally {
      await quiet.close();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
