import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { Effect } from "effect";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { arbiterReply, type Served, serve } from "./support.js";

// `consortium serve` end to end: the built CLI spawned as a server, the fake LLM server behind it, and
// the official `openai` client in front, as any OpenAI-compatible tool would use it.

// how long a readiness poll may take on a loaded machine (a new server's first run loads the SDK):
// a bound on waiting, not a timing assertion
const WAIT = { timeout: 15_000, interval: 20 };

const SYNTHESIS = "Canberra is the capital of Australia. It was chosen in 1908 as a compromise.";

let fake: FakeLlm;
let dir: string;
let db: string;
let server: Served;
let client: OpenAI;

const consortiumFile = (name: string, body: string) =>
  writeFileSync(join(dir, `${name}.yaml`), `name: ${name}\n${body}`);

const readRun = (id: string) =>
  Effect.runPromise(Effect.flatMap(Store, (store) => store.getRun(id)).pipe(Effect.provide(Store.layer(db))));

beforeAll(async () => {
  fake = await startFakeLlm();
  const root = mkdtempSync(join(tmpdir(), "consortium-serve-"));
  dir = join(root, "consortia");
  db = join(root, "runs.db");
  mkdirSync(dir);
  consortiumFile("capital", "members: [openai/gpt-m:2]\narbiter: openai/judge-m\nmax_iterations: 1\n");
  consortiumFile("slow", "members: [openai/slow-m]\narbiter: openai/judge-m\nmax_iterations: 1\n");
  writeFileSync(join(dir, "broken.yaml"), "name: broken\nmembers: 3\n");
  server = await serve(
    ["--dir", dir, "--db", db, "--max-runs", "2", "--max-queue", "0", "--max-body", "4kb"],
    fakeLlmEnv(fake)
  );
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.script("judge-m", { text: arbiterReply(SYNTHESIS) });
});

describe("consortium serve", () => {
  it("lists the valid consortia as models, leaves the invalid one out and says so, and sees new files", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["capital", "slow"]);
    expect(server.stderr()).toContain("broken.yaml");
    consortiumFile("added", "members: [openai/gpt-m]\narbiter: openai/judge-m\n");
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["added", "capital", "slow"]);
  });

  it("answers a completion with the synthesis and the run id, and the run is stored as served", async () => {
    const completion = await client.chat.completions.create({
      model: "capital",
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "What is the capital of Australia?" }
      ]
    });
    expect(completion.choices[0]?.message.content).toBe(SYNTHESIS);
    const info = (completion as unknown as { consortium: { runId: string; status: string; iterations: number } })
      .consortium;
    expect(info).toMatchObject({ status: "completed", iterations: 1 });
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    // the client's system message is added to the consortium's system prompt
    expect(fake.requests.find((r) => r.model === "gpt-m")?.system).toBe("Answer briefly.");
    const stored = await readRun(info.runId);
    expect(stored.status).toBe("completed");
    expect(stored.origin).toBe("serve");
    expect(stored.synthesis).toBe(SYNTHESIS);
  });

  it("streams deltas that join to the same synthesis, then a final chunk with finish_reason and usage", async () => {
    const whole = await client.chat.completions.create({
      model: "capital",
      messages: [{ role: "user", content: "Capital?" }]
    });
    const stream = await client.chat.completions.create({
      model: "capital",
      messages: [{ role: "user", content: "Capital?" }],
      stream: true
    });
    let text = "";
    let deltas = 0;
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const part of stream) {
      const piece = part.choices[0]?.delta.content;
      if (piece) {
        text += piece;
        deltas++;
      }
      last = part;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(deltas).toBeGreaterThan(1);
    expect(last?.choices[0]?.finish_reason).toBe("stop");
    expect(last?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("runs each request with its own system message, however many different ones came before", async () => {
    const ask = async (system: string | undefined) => {
      fake.reset();
      fake.script("judge-m", { text: arbiterReply(SYNTHESIS) });
      const completion = await client.chat.completions.create({
        model: "capital",
        messages: [
          ...(system === undefined ? [] : [{ role: "system" as const, content: system }]),
          { role: "user", content: "Q?" }
        ]
      });
      expect(completion.choices[0]?.message.content).toBe(SYNTHESIS);
      return fake.requests.find((r) => r.model === "gpt-m")?.system;
    };
    expect(await ask(undefined)).toBeUndefined();
    // more distinct system messages than a server keeps consortium copies for, then the first again
    for (let i = 0; i < 40; i++) expect(await ask(`Answer as reader ${i}.`)).toBe(`Answer as reader ${i}.`);
    expect(await ask(undefined)).toBeUndefined();
    expect(await ask("Answer as reader 3.")).toBe("Answer as reader 3.");
  });

  it("carries earlier turns to the members as prior messages", async () => {
    await client.chat.completions.create({
      model: "capital",
      messages: [
        { role: "user", content: "Capital of Australia?" },
        { role: "assistant", content: "Canberra." },
        { role: "user", content: "Population?" }
      ]
    });
    expect(fake.requests.find((r) => r.model === "gpt-m")?.messages).toEqual([
      { role: "user", content: "Capital of Australia?" },
      { role: "assistant", content: "Canberra." },
      { role: "user", content: "Population?" }
    ]);
  });

  it("answers bad requests in OpenAI's error shape, which the SDK raises as its own error classes", async () => {
    const ask = (body: Record<string, unknown>) =>
      client.chat.completions.create({ model: "capital", messages: [{ role: "user", content: "Q?" }], ...body });
    await expect(ask({ model: "nope" })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(ask({ n: 2 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(ask({ tools: [{ type: "function", function: { name: "f" } }] })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError
    );
    await expect(ask({ logprobs: true })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const tooLarge = await ask({ messages: [{ role: "user", content: "x".repeat(10_000) }] }).catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(OpenAI.APIError);
    expect((tooLarge as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((tooLarge as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: "invalid_request_error" });
    const raw = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json"
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(JSON.stringify(body)).not.toMatch(/\s+at .+:\d+/);
    expect(fake.requests).toHaveLength(0);
  });

  it("says 429 with Retry-After when every run slot is busy and --max-queue 0 allows no line", async () => {
    fake.script("slow-m", { fault: { type: "hang" } });
    const controllers = [new AbortController(), new AbortController()];
    const busy = controllers.map((controller) =>
      client.chat.completions
        .create({ model: "slow", messages: [{ role: "user", content: "wait" }] }, { signal: controller.signal })
        .catch(() => undefined)
    );
    await vi.waitFor(() => expect(fake.requests.filter((r) => r.model === "slow-m")).toHaveLength(2), WAIT);
    const refused = await client.chat.completions
      .create({ model: "capital", messages: [{ role: "user", content: "Q?" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (refused as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(Number(headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(headers.get("retry-after-ms"))).toBeGreaterThan(0);
    const interrupted = () => server.stderr().match(/ 503 run \S+ was interrupted/g)?.length ?? 0;
    const before = interrupted();
    for (const controller of controllers) controller.abort();
    await Promise.all(busy);
    await fake.idle();
    // the slots are free once the server has ended both runs (a client's abort returns at once)
    await vi.waitFor(() => expect(interrupted()).toBe(before + 2), WAIT);
  });

  it("a client that disconnects interrupts its run: recorded interrupted, the member request aborted", async () => {
    fake.script("slow-m", { fault: { type: "hang" } });
    const controller = new AbortController();
    const pending = client.chat.completions
      .create({ model: "slow", messages: [{ role: "user", content: "wait" }] }, { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.requests.filter((r) => r.model === "slow-m")).toHaveLength(1), WAIT);
    const logged = server.waitForLog(/POST \/v1\/chat\/completions 503 run \S+ was interrupted/);
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    const line = await logged;
    await fake.idle();
    expect(fake.requests.find((r) => r.model === "slow-m")?.aborted).toBe(true);
    const runId = /run (\S+) was interrupted/.exec(line)?.[1] ?? "";
    const stored = await readRun(runId);
    expect(stored.status).toBe("interrupted");
    expect(stored.origin).toBe("serve");
  });
});

describe("consortium serve failures", () => {
  it("a run that fails (no member answered) is a 502 naming the run id, stored as failed", async () => {
    fake.script("gpt-m", { fault: { type: "status", status: 401 } });
    const failed = await client.chat.completions
      .create({ model: "capital", messages: [{ role: "user", content: "Q?" }] })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    const error = failed as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    const runId = /run (\S+) failed/.exec(error.message)?.[1] ?? "";
    expect((await readRun(runId)).status).toBe("failed");
  });

  it("a degraded run (one member failed) is still a 200, with consortium.status degraded", async () => {
    fake.script("gpt-m", [{ fault: { type: "status", status: 401 } }, { text: "Canberra." }]);
    const completion = await client.chat.completions.create({
      model: "capital",
      messages: [{ role: "user", content: "Q?" }]
    });
    expect(completion.choices[0]?.message.content).toBe(SYNTHESIS);
    expect((completion as unknown as { consortium: { status: string } }).consortium.status).toBe("degraded");
  });

  it("a streamed run that fails ends with an error event the SDK raises", async () => {
    fake.script("gpt-m", { fault: { type: "status", status: 401 } });
    const stream = await client.chat.completions.create({
      model: "capital",
      messages: [{ role: "user", content: "Q?" }],
      stream: true
    });
    const consume = async () => {
      for await (const _ of stream) {
        // only the error matters
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
  });
});

describe("consortium serve access", () => {
  it("with --api-key-env, a missing or wrong bearer token is 401", async () => {
    const keyed = await serve(["--dir", dir, "--no-log", "--api-key-env", "SERVE_TEST_KEY"], {
      ...fakeLlmEnv(fake),
      SERVE_TEST_KEY: "s3cret-token"
    });
    try {
      const wrong = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: "wrong", maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      const right = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: "s3cret-token", maxRetries: 0 });
      expect((await right.models.list()).data.length).toBeGreaterThan(0);
      expect(keyed.stderr()).not.toContain("s3cret-token");
    } finally {
      await keyed.stop();
    }
  });

  it("refuses to bind a non-loopback address without --api-key-env: exit 2, one line", async () => {
    const { spawnCli } = await import("./support.js");
    const child = spawnCli(["serve", "--host", "0.0.0.0", "--port", "0", "--dir", dir, "--no-log"], fakeLlmEnv(fake));
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
    expect(code).toBe(2);
    expect(stderr).toContain("--api-key-env");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\s+at .+:\d+/);
  });

  it("a --dir that is not there (a typo) is one line on stderr and exit 2, for serve and mcp", async () => {
    const { spawnCli } = await import("./support.js");
    const missing = join(dir, "no-such-folder");
    for (const command of [["serve", "--port", "0"], ["mcp"]]) {
      const child = spawnCli([...command, "--dir", missing, "--no-log"], fakeLlmEnv(fake));
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toEqual([expect.stringContaining(`--dir ${missing}: no such folder`)]);
    }
  });

  it("a port already taken, or a key variable not set, is one line on stderr and exit 2", async () => {
    const { spawnCli } = await import("./support.js");
    const taken = createServer();
    await new Promise<void>((ready) => taken.listen(0, "127.0.0.1", ready));
    const port = (taken.address() as AddressInfo).port;
    const attempt = async (args: ReadonlyArray<string>) => {
      const child = spawnCli(["serve", ...args, "--dir", dir, "--no-log"], fakeLlmEnv(fake));
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
      return { code, lines: stderr.trim().split("\n") };
    };
    try {
      const busy = await attempt(["--port", String(port)]);
      expect(busy.code).toBe(2);
      expect(busy.lines).toEqual([expect.stringContaining(`127.0.0.1:${port}`)]);
      const unset = await attempt(["--port", "0", "--api-key-env", "CONSORTIUM_TEST_UNSET_KEY"]);
      expect(unset.code).toBe(2);
      expect(unset.lines).toEqual([expect.stringContaining("CONSORTIUM_TEST_UNSET_KEY")]);
    } finally {
      await new Promise((closed) => taken.close(closed));
    }
  });

  it("on SIGTERM, finishes the run in flight within the grace period and exits 0", async () => {
    const graceful = await serve(["--dir", dir, "--db", db, "--grace", "20s"], fakeLlmEnv(fake));
    fake.script("slow-m", { text: "Canberra.", latencyMs: 400 });
    const local = new OpenAI({ baseURL: `${graceful.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const answer = local.chat.completions.create({ model: "slow", messages: [{ role: "user", content: "Q?" }] });
    await vi.waitFor(() => expect(fake.requests.filter((r) => r.model === "slow-m")).toHaveLength(1), WAIT);
    graceful.child.kill("SIGTERM");
    await vi.waitFor(() => expect(graceful.stderr()).toContain("finishing the runs in flight"), WAIT);
    // a request on a new connection during the grace is told why, not refused a connection
    const late = await new OpenAI({ baseURL: `${graceful.url}/v1`, apiKey: "unused", maxRetries: 0 }).chat.completions
      .create({ model: "slow", messages: [{ role: "user", content: "Another?" }] })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(OpenAI.APIError);
    expect((late as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const completion = await answer;
    expect(completion.choices[0]?.message.content).toBe(SYNTHESIS);
    expect(await graceful.exited).toEqual({ code: 0, signal: null });
    expect(graceful.stderr()).toContain("finishing the runs in flight");
  });

  it("on SIGTERM, a run still going when the grace ends is interrupted, stored so, and the client gets 503", async () => {
    const hurried = await serve(["--dir", dir, "--db", db, "--grace", "300ms"], fakeLlmEnv(fake));
    fake.script("slow-m", { fault: { type: "hang" } });
    const local = new OpenAI({ baseURL: `${hurried.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const answer = local.chat.completions
      .create({ model: "slow", messages: [{ role: "user", content: "Q?" }] })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.requests.filter((r) => r.model === "slow-m")).toHaveLength(1), WAIT);
    hurried.child.kill("SIGTERM");
    const refused = await answer;
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(await hurried.exited).toEqual({ code: 0, signal: null });
    const runId = /run (\S+) was interrupted/.exec((refused as Error).message)?.[1] ?? "";
    expect((await readRun(runId)).status).toBe("interrupted");
    await fake.idle();
    expect(fake.requests.find((r) => r.model === "slow-m")?.aborted).toBe(true);
  });
});

describe("consortium serve records", () => {
  it("a run its client was answered about is in the store even when the server is killed at once after", async () => {
    const doomed = await serve(["--dir", dir, "--db", db], fakeLlmEnv(fake));
    const local = new OpenAI({ baseURL: `${doomed.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const completion = await local.chat.completions.create({
      model: "capital",
      messages: [{ role: "user", content: "What is the capital of Australia?" }]
    });
    // no shutdown, no flush: whatever was written before the answer went out is all there is
    doomed.child.kill("SIGKILL");
    expect(await doomed.exited).toEqual({ code: null, signal: "SIGKILL" });
    const { runId } = (completion as unknown as { consortium: { runId: string } }).consortium;
    const stored = await readRun(runId);
    expect(stored).toMatchObject({ status: "completed", origin: "serve", synthesis: SYNTHESIS });
    expect(stored.calls).toHaveLength(3);
  });
});
