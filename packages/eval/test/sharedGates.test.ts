import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunLog } from "@consortium/engine";
import { layerLlmClient } from "@consortium/providers";
import { type FakeLlm, startFakeLlm } from "@consortium/testkit";
import { Effect, Layer } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvalLog } from "../src/EvalLog.js";
import { runSuite } from "../src/runner/runSuite.js";
import { loadSuite } from "./helpers.js";

// A provider's `concurrency` caps the calls in flight to it for the whole eval: `-j` runs several
// consortium runs at once, and each run's own gates would multiply the cap by `-j`.

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ defaultReply: { text: "answer", latencyMs: 30 } });
});
afterAll(() => fake.close());

describe("provider caps in an eval", () => {
  it("hold across every consortium run and single model of the eval, whatever -j", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eval-gates-"));
    const providers = `providers:\n  capped:\n    type: openai\n    base_url: ${fake.openaiBaseUrl}\n    concurrency: 2\n`;
    writeFileSync(join(dir, "duo.yaml"), `name: duo\nmembers: [capped/m:3]\narbiter: capped/judge\n${providers}`);
    writeFileSync(
      join(dir, "suite.yaml"),
      `name: gates\ntargets: [duo.yaml, {model: capped/solo}]\n${providers}cases:\n` +
        ["a", "b", "c", "d", "e", "f"].map((id) => `  - {id: ${id}, prompt: "say ${id}"}\n`).join("")
    );
    fake.script("judge", {
      text: "<synthesis>answer</synthesis><confidence>0.9</confidence><needs_iteration>false</needs_iteration>",
      latencyMs: 30
    });
    const suite = await Effect.runPromise(loadSuite(join(dir, "suite.yaml")));
    await Effect.runPromise(
      runSuite(suite, { env: {}, concurrency: 6 }).pipe(
        Effect.provide(Layer.mergeAll(layerLlmClient({ env: {} }), RunLog.none, EvalLog.none))
      )
    );
    expect(fake.stats.calls).toBe(6 * 3 + 6 + 6);
    expect(fake.stats.maxInFlight).toBe(2);
  });
});
