import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, gate, startFakeLlm } from "@consortium/testkit";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { arbiterReply, type Served, serve } from "./support.js";

// `serve` streams the answer as the arbiter writes it: the built CLI spawned against the fake LLM
// server, read through the official `openai` client's streaming API.

const SYNTHESIS = "Canberra is the capital of Australia. It was chosen in 1908 as a compromise.";

let fake: FakeLlm;
let server: Served;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm();
  const root = mkdtempSync(join(tmpdir(), "consortium-stream-"));
  const dir = join(root, "consortia");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "once.yaml"),
    "name: once\nmembers: [openai/gpt-m:2]\narbiter: openai/judge-m\nmax_iterations: 1\n"
  );
  writeFileSync(
    join(dir, "twice.yaml"),
    "name: twice\nmembers: [openai/gpt-m]\narbiter: openai/judge-m\nmax_iterations: 2\n"
  );
  server = await serve(["--dir", dir, "--no-log"], fakeLlmEnv(fake));
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await fake.close();
});
beforeEach(() => fake.reset());

/** Reads a streamed completion: the content pieces, and the last chunk. */
const readStream = async (model: string, onPiece: (piece: string) => void = () => {}) => {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "What is the capital of Australia?" }],
    stream: true
  });
  const pieces: Array<string> = [];
  let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
  for await (const part of stream) {
    const piece = part.choices[0]?.delta.content;
    if (piece) {
      pieces.push(piece);
      onPiece(piece);
    }
    last = part;
  }
  return { pieces, text: pieces.join(""), last };
};

describe("serve streams the answer as the arbiter writes it", () => {
  it("joins to exactly the non-streaming answer of the same script, white space around the synthesis too", async () => {
    const reply = `<analysis>fine</analysis>\n<synthesis>\n\n  ${SYNTHESIS}  \n</synthesis>\n<confidence>0.9</confidence>\n<needs_iteration>false</needs_iteration>`;
    fake.script("judge-m", { text: reply, stream: { pieces: reply.match(/[\s\S]{1,7}/g) ?? [] } });
    const whole = await client.chat.completions.create({
      model: "once",
      messages: [{ role: "user", content: "What is the capital of Australia?" }]
    });
    expect(whole.choices[0]?.message.content).toBe(SYNTHESIS);
    const streamed = await readStream("once");
    expect(streamed.text).toBe(whole.choices[0]?.message.content);
    expect(streamed.pieces.length).toBeGreaterThan(3);
    expect(streamed.last?.choices[0]?.finish_reason).toBe("stop");
    expect(streamed.last?.usage?.total_tokens).toBeGreaterThan(0);
    // The arbiter's call streamed; the members' did not.
    const judge = fake.requests.filter((request) => request.model === "judge-m");
    expect(judge.map((request) => request.stream)).toEqual([false, true]);
    expect(fake.requests.filter((request) => request.model === "gpt-m").every((request) => !request.stream)).toBe(true);
  });

  it("sends the first piece while the arbiter is still writing (live, not cut up after the end)", async () => {
    const reply = arbiterReply(SYNTHESIS);
    const cut = reply.indexOf("It was chosen");
    const release = gate();
    fake.script("judge-m", {
      stream: { pieces: [reply.slice(0, cut), reply.slice(cut)], holdAfterFirst: release.opened }
    });
    let heldWhenSeen: string | undefined;
    const streamed = await readStream("once", () => {
      if (heldWhenSeen === undefined) heldWhenSeen = fake.requests.find((r) => r.model === "judge-m")?.outcome;
      // The fake sends the rest of its reply only now: without a live stream this would never come.
      release.open();
    });
    expect(heldWhenSeen).toBe("pending");
    expect(streamed.pieces[0]).toBe("Canberra is the capital of Australia.");
    expect(streamed.text).toBe(SYNTHESIS);
  });

  it("a client that leaves mid-answer aborts the arbiter's streamed request at the fake", async () => {
    const reply = arbiterReply(SYNTHESIS);
    const cut = reply.indexOf("It was chosen");
    const never = gate();
    fake.script("judge-m", {
      stream: { pieces: [reply.slice(0, cut), reply.slice(cut)], holdAfterFirst: never.opened }
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "once", messages: [{ role: "user", content: "Capital?" }], stream: true },
      { signal: controller.signal }
    );
    let text = "";
    // The SDK ends its stream quietly when its request is aborted.
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? "";
      if (text !== "") controller.abort();
    }
    expect(text).toBe("Canberra is the capital of Australia.");
    await fake.idle();
    expect(fake.requests.find((request) => request.model === "judge-m")).toMatchObject({ outcome: "aborted" });
  });

  it("a two-round run streams only the final round", async () => {
    fake.script("judge-m", [{ text: arbiterReply("Sydney, probably.", 0.3) }, { text: arbiterReply(SYNTHESIS, 0.95) }]);
    const stream = await client.chat.completions.create({
      model: "twice",
      messages: [{ role: "user", content: "What is the capital of Australia?" }],
      stream: true
    });
    // The raw events, comments included, to see the round that was refined.
    const raw = stream.toReadableStream();
    const reader = raw.getReader();
    let text = "";
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const part = JSON.parse(new TextDecoder().decode(read.value)) as OpenAI.Chat.Completions.ChatCompletionChunk;
      text += part.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(SYNTHESIS);
    expect(text).not.toContain("Sydney");
    expect(fake.requests.filter((request) => request.model === "judge-m").map((request) => request.stream)).toEqual([
      false,
      true
    ]);
  });

  it("says a round is being refined in an SSE comment", async () => {
    fake.script("judge-m", [{ text: arbiterReply("Sydney, probably.", 0.3) }, { text: arbiterReply(SYNTHESIS, 0.95) }]);
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "twice", stream: true, messages: [{ role: "user", content: "Capital?" }] })
    });
    const body = await response.text();
    expect(body).toContain(": round 1: refining\n");
    expect(body).not.toContain("Sydney");
    expect(body.indexOf(": round 1: refining")).toBeLessThan(body.indexOf('"content":"Canberra'));
    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
});
