import { readFileSync, rmSync } from "node:fs";
import { RunLog } from "@consortium/engine";
import { layerLlmClient } from "@consortium/providers";
import { startFakeLlm } from "@consortium/testkit";
import { Effect, Either, Layer } from "effect";
import { describe, expect, it } from "vitest";
import { Cassette } from "../src/cassette/Cassette.js";
import { parseCassette, serializeCassette } from "../src/cassette/format.js";
import { EvalLog } from "../src/EvalLog.js";
import { exitCodeFor } from "../src/report/exitCode.js";
import { renderTable } from "../src/report/table.js";
import { runSuite } from "../src/runner/runSuite.js";
import { exampleReply } from "./exampleAnswers.js";
import { loadSuite, repoPath } from "./helpers.js";

// The committed example cassette must replay the example suite cleanly, as CI does on every pull
// request. To re-record it against the fake server (after a template or suite change):
//   CONSORTIUM_RECORD_EXAMPLE=1 pnpm vitest run --project eval example
// To record it against the real APIs instead, see packages/eval/README.md.

const suitePath = repoPath("examples/eval/suite.yaml");
const cassettePath = repoPath("examples/eval/suite.cassette.jsonl");
const STALE = `${cassettePath} does not replay examples/eval/suite.yaml: re-record it with CONSORTIUM_RECORD_EXAMPLE=1 pnpm vitest run --project eval example`;

const recordExample = async (): Promise<void> => {
  const fake = await startFakeLlm({ defaultReply: exampleReply });
  try {
    const env = {
      OPENAI_API_KEY: "fake",
      ANTHROPIC_API_KEY: "fake",
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      ANTHROPIC_BASE_URL: fake.anthropicBaseUrl
    };
    rmSync(cassettePath, { force: true });
    const suite = await Effect.runPromise(loadSuite(suitePath));
    const client = Cassette.record(cassettePath).pipe(Layer.provide(layerLlmClient({ env })));
    await Effect.runPromise(
      runSuite(suite, { env }).pipe(Effect.provide(Layer.mergeAll(client, RunLog.none, EvalLog.none)))
    );
  } finally {
    await fake.close();
  }
};

describe("examples/eval", () => {
  it.runIf(process.env.CONSORTIUM_RECORD_EXAMPLE === "1")("re-records the example cassette", recordExample);

  it("the committed cassette replays the example suite with no server and no key, and every case passes", async () => {
    const suite = await Effect.runPromise(loadSuite(suitePath));
    const report = await Effect.runPromise(
      runSuite(suite, { keysNeeded: false, env: {} }).pipe(
        Effect.provide(Layer.mergeAll(Cassette.replay(cassettePath), RunLog.none, EvalLog.none))
      )
    );
    expect(report.replayMisses, STALE).toEqual([]);
    expect(exitCodeFor(report), renderTable(report)).toBe(0);
    expect(report.cases.length).toBeGreaterThanOrEqual(4);
  });

  it("the committed cassette is in canonical form (sorted, fixed key order)", () => {
    const text = readFileSync(cassettePath, "utf8");
    const entries = Either.getOrThrow(parseCassette(cassettePath, text));
    expect(serializeCassette(entries)).toBe(text);
    expect(text).not.toMatch(/authorization|api[-_]key|127\.0\.0\.1/i);
  });
});
