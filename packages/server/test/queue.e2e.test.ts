import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, type Gate, gate, startFakeLlm } from "@consortium/testkit";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { arbiterReply, type Served, serve } from "./support.js";

// The line for run slots, end to end: `--max-runs 1 --max-queue 1`, so one run goes, one request
// waits, and the next is turned away. The first run is held at the fake server until the test lets it
// answer; the server's stderr says when a request joins the line. No sleeps.

const SYNTHESIS = "Canberra is the capital of Australia.";
const QUEUED = /POST \/v1\/chat\/completions queued \(1 waiting\)/;
// how long a readiness poll may take on a loaded machine: a bound on waiting, not a timing assertion
const WAIT = { timeout: 15_000, interval: 20 };

let fake: FakeLlm;
let dir: string;
let server: Served | undefined;
let held: Gate;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = join(mkdtempSync(join(tmpdir(), "consortium-queue-")), "consortia");
  mkdirSync(dir);
  writeFileSync(join(dir, "slow.yaml"), "name: slow\nmembers: [openai/slow-m]\narbiter: openai/judge-m\n");
  writeFileSync(join(dir, "capital.yaml"), "name: capital\nmembers: [openai/gpt-m:2]\narbiter: openai/judge-m\n");
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.script("judge-m", { text: arbiterReply(SYNTHESIS) });
  held = gate();
  // the slow consortium's member answers only when the test opens the gate
  fake.script("slow-m", () => held.opened.then(() => ({ text: "Canberra." })));
});
afterEach(async () => {
  held.open();
  await server?.stop();
  server = undefined;
});

const start = async (args: ReadonlyArray<string> = []) => {
  server = await serve(["--dir", dir, "--no-log", "--max-runs", "1", "--max-queue", "1", ...args], fakeLlmEnv(fake));
  return { served: server, client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 }) };
};

const ask = (client: OpenAI, model: string, prompt: string, signal?: AbortSignal) =>
  client.chat.completions.create({ model, messages: [{ role: "user", content: prompt }] }, { signal });

/** The first request takes the only slot and stays at the fake server until the gate opens. */
const holdTheSlot = async (client: OpenAI) => {
  const first = ask(client, "slow", "first?");
  await vi.waitFor(() => expect(fake.requests.filter((r) => r.model === "slow-m")).toHaveLength(1), WAIT);
  // wrapped: an async function returning the promise itself would wait for its answer
  return { answer: first };
};

const memberPrompts = () => fake.requests.filter((r) => r.model === "gpt-m").map((r) => r.messages.at(-1)?.content);

describe("consortium serve --max-queue", () => {
  it("a request past --max-runs waits and is answered after the first; one past the line gets 429", async () => {
    const { served, client } = await start();
    const { answer: first } = await holdTheSlot(client);
    const queued = served.waitForLog(QUEUED);
    const second = ask(client, "capital", "second?");
    await queued;
    const refused = await ask(client, "capital", "third?").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.error).toMatchObject({ type: "rate_limit_error", code: "too_many_runs" });
    expect(Number(error.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // the second has not started: it waits for the slot, not for a retry
    expect(memberPrompts()).toEqual([]);
    held.open();
    expect((await first).choices[0]?.message.content).toBe(SYNTHESIS);
    expect((await second).choices[0]?.message.content).toBe(SYNTHESIS);
    expect(memberPrompts()).toEqual(["second?", "second?"]);
  });

  it("a client that gives up while waiting leaves the line: its run never starts", async () => {
    const { served, client } = await start();
    const { answer: first } = await holdTheSlot(client);
    const leaving = new AbortController();
    const queued = served.waitForLog(QUEUED);
    const left = ask(client, "capital", "gave up?", leaving.signal).catch((e: unknown) => e);
    await queued;
    const gone = served.waitForLog(/the client left while queued/);
    leaving.abort();
    expect(await left).toBeInstanceOf(OpenAI.APIUserAbortError);
    await gone;
    // its place is free again: the next request waits instead of getting 429
    const next = ask(client, "capital", "next?");
    await vi.waitFor(() => expect(served.stderr().match(new RegExp(QUEUED, "g"))).toHaveLength(2), WAIT);
    held.open();
    await first;
    expect((await next).choices[0]?.message.content).toBe(SYNTHESIS);
    expect(memberPrompts()).toEqual(["next?", "next?"]);
  });

  it("on SIGTERM, a request still waiting gets 503 while the run in flight finishes", async () => {
    const { served, client } = await start(["--grace", "20s"]);
    const { answer: first } = await holdTheSlot(client);
    const queued = served.waitForLog(QUEUED);
    const waiting = ask(client, "capital", "waiting?").catch((e: unknown) => e);
    await queued;
    served.child.kill("SIGTERM");
    const refused = await waiting;
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: "service_unavailable" });
    held.open();
    expect((await first).choices[0]?.message.content).toBe(SYNTHESIS);
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(memberPrompts()).toEqual([]);
  });
});
