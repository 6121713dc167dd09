import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { Effect } from "effect";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arbiterReply, type Served, serve } from "./support.js";

// A server whose run thread dies keeps serving. The thread is made to die the way it can in
// production: out of memory, here under a small heap limit (V8's flag applies to every thread of the
// process) with a model answer larger than that heap. The main thread never holds a model's answer,
// so it is the run thread that fails.

const HEAP_LIMIT_MB = 96;
// Many answers that add up to more than the heap: one allocation larger than the whole heap would take
// the process down with it (V8 cannot stop a thread inside it), a heap that fills up stops the thread.
const ANSWERS = 40;
const ANSWER_BYTES = 4 * 1024 * 1024;
const SYNTHESIS = "Canberra.";

let fake: FakeLlm;
let dir: string;
let db: string;
let server: Served;
let client: OpenAI;

const readRun = (id: string) =>
  Effect.runPromise(Effect.flatMap(Store, (store) => store.getRun(id)).pipe(Effect.provide(Store.layer(db))));

beforeAll(async () => {
  fake = await startFakeLlm();
  const root = mkdtempSync(join(tmpdir(), "consortium-serve-death-"));
  dir = join(root, "consortia");
  db = join(root, "runs.db");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "huge.yaml"),
    `name: huge\nmembers: [openai/huge-m:${ANSWERS}]\narbiter: openai/judge-m\nmax_iterations: 1\n`
  );
  writeFileSync(
    join(dir, "capital.yaml"),
    "name: capital\nmembers: [openai/gpt-m]\narbiter: openai/judge-m\nmax_iterations: 1\n"
  );
  fake.script("judge-m", { text: arbiterReply(SYNTHESIS) });
  fake.script("huge-m", { text: "x".repeat(ANSWER_BYTES) });
  server = await serve(["--dir", dir, "--db", db], {
    ...fakeLlmEnv(fake),
    NODE_OPTIONS: `--max-old-space-size=${HEAP_LIMIT_MB}`
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await fake.close();
});

describe("a run thread that dies", () => {
  it("answers its run with an error, marks it interrupted in the store, and later runs go on a new thread", async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "huge", messages: [{ role: "user", content: "Say a lot." }] })
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as {
      error: { message: string; type: string };
      consortium: { runId: string; status: string };
    };
    expect(body.error.type).toBe("server_error");
    expect(body.error.message).toMatch(/could not run: the run thread failed: .*memory/);
    // answered as it is stored: cut short, not failed on its own account
    expect(body.consortium.status).toBe("interrupted");

    const completion = await client.chat.completions.create({
      model: "capital",
      messages: [{ role: "user", content: "What is the capital of Australia?" }]
    });
    expect(completion.choices[0]?.message.content).toBe(SYNTHESIS);
    await server.waitForLog(/marked interrupted in the store/);
    const stored = await readRun(body.consortium.runId);
    expect(stored.status).toBe("interrupted");
    expect(stored.error).toMatch(/run thread/);

    expect(server.child.exitCode).toBeNull();
  });
});
