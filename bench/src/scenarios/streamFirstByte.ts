import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { ARBITER, MEMBER_TEXT, PROMPT, RUN_MEMBER } from "../fixtures.js";
import { cliBin } from "../paths.js";
import type { Row } from "../report.js";
import { nodeFlagsFor, type Settings } from "../settings.js";
import { readyLine } from "./serve.js";

// Scenario: how soon `serve` forwards the arbiter's first streamed token. The fake arbiter writes the
// start of its synthesis, pauses, then writes the rest; the time from the fake writing that first piece
// (it records when) to the first SSE content byte at the client is serve's latency: reading the
// stream, picking the synthesis out of the tags, one SSE write. The fake runs in this process, so both
// times are on one clock. Ideal: the same piece read by a client straight from the fake (one hop
// instead of two, no consortium).

const REQUESTS = 20;
/** Long enough that the first content chunk can only come from the first piece. */
const PAUSE_MS = 300;
const TARGET_MS = 50;

const REPLY =
  "<analysis>Every answer names Canberra.</analysis>\n<synthesis>Canberra is the capital of Australia. " +
  "Sydney is larger but is not the capital.</synthesis>\n<confidence>0.92</confidence>\n" +
  "<needs_iteration>false</needs_iteration>";
const FIRST_PIECE = REPLY.slice(0, REPLY.indexOf("of Australia"));

const now = (): number => performance.timeOrigin + performance.now();

/** Posts a streamed chat completion; resolves with when the first non-empty content delta arrived. */
const firstContentAt = async (url: string, model: string): Promise<number> => {
  const response = await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer unused" },
    body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: PROMPT }] })
  });
  if (response.status !== 200 || response.body === null) throw new Error(`stream: HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let buffered = "";
  let seenAt: number | undefined;
  for await (const bytes of response.body) {
    buffered += decoder.decode(bytes, { stream: true });
    for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (seenAt !== undefined || !event.startsWith("data: {")) continue;
      const data = JSON.parse(event.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> };
      if ((data.choices?.[0]?.delta?.content ?? "") !== "") seenAt = now();
    }
  }
  if (seenAt === undefined) throw new Error("stream: no content");
  return seenAt;
};

/** The latency of each request: first content at the client minus the fake's first piece of `model`. */
const measure = async (fake: FakeLlm, url: string, model: string, count: number): Promise<Array<number>> => {
  const latencies: Array<number> = [];
  for (let i = 0; i < count; i++) {
    const seenAt = await firstContentAt(url, model);
    const written = fake.requests.filter((request) => request.model === ARBITER && request.stream).at(-1);
    if (written?.firstPieceAt === undefined) throw new Error("stream: the fake streamed no arbiter reply");
    latencies.push(seenAt - written.firstPieceAt);
  }
  return latencies;
};

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export const streamFirstByte = async (settings: Settings, log: (line: string) => void): Promise<Array<Row>> => {
  const fake = await startFakeLlm();
  fake.script(RUN_MEMBER, { text: MEMBER_TEXT });
  fake.script(ARBITER, { stream: { pieces: [FIRST_PIECE, REPLY.slice(FIRST_PIECE.length)], delayMs: PAUSE_MS } });
  const dir = mkdtempSync(join(tmpdir(), "consortium-bench-stream-"));
  mkdirSync(join(dir, "consortia"));
  writeFileSync(
    join(dir, "consortia", "bench-stream.yaml"),
    `name: bench-stream\nmembers: [openai/${RUN_MEMBER}]\narbiter: openai/${ARBITER}\nmax_iterations: 1\n`
  );
  const child = spawn(
    process.execPath,
    [
      ...nodeFlagsFor(settings, "serve-stream"),
      cliBin,
      "serve",
      "--port",
      "0",
      "--dir",
      "consortia",
      "--no-log",
      "--quiet"
    ],
    { cwd: dir, env: { ...process.env, ...fakeLlmEnv(fake), NO_COLOR: "1" }, stdio: ["ignore", "pipe", "inherit"] }
  );
  try {
    const url = `${(JSON.parse(await readyLine(child)) as { listening: string }).listening}/v1`;
    log(`serve stream: ${REQUESTS} streamed requests, the arbiter pausing ${PAUSE_MS} ms after its first piece`);
    // a warm-up request each way, so the first measured one does not pay for loading the SDKs
    await measure(fake, url, "bench-stream", 1);
    await measure(fake, fake.openaiBaseUrl, ARBITER, 1);
    const served = await measure(fake, url, "bench-stream", REQUESTS);
    const direct = await measure(fake, fake.openaiBaseUrl, ARBITER, REQUESTS);
    const measured = median(served);
    return [
      {
        scenario: "serve: the arbiter's first streamed token to the client's first SSE content byte",
        measured,
        ideal: median(direct),
        unit: "ms",
        target: `≤ ${TARGET_MS} ms`,
        ok: measured <= TARGET_MS,
        note: `median of ${REQUESTS}, max ${Math.max(...served).toFixed(1)} ms; ideal: read straight from the fake`
      }
    ];
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
