import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadSuiteFile } from "@consortium/config";
import { RunLog } from "@consortium/engine";
import { EvalLog, runSuite } from "@consortium/eval";
import { LlmClient, LlmClientLive } from "@consortium/providers";
import { Effect, Layer } from "effect";
import { fakeEnv, startFake } from "../fake.js";
import { ARBITER, arbiterText, MEMBER_TEXT, writeFixtures } from "../fixtures.js";
import { consortiumScripts } from "../scenarios/suite.js";
import { defaultSettings } from "../settings.js";

// Probe: the bench's consortium suite run in-process through runSuite, with no store, once with a
// stub LlmClient (a timer, no HTTP: what engine + eval cost per model call) and once with
// the live client against the fake (adding the SDK and HTTP). The CLI's own start-up is left out.

const CASES = 2000;
const LATENCY_MS = 100;
const settings = { ...defaultSettings, suiteMemberMs: LATENCY_MS, suiteArbiterMs: LATENCY_MS };

// Shaped as the live client is (one Effect.async per attempt, a timer, "timed": it bounds the attempt
// itself), so the difference between the two rows is the SDK and HTTP alone.
const stub = Layer.succeed(LlmClient, {
  answers: "timed",
  ignoresCallSite: true,
  complete: (_provider, request) =>
    Effect.async((resume) => {
      const timer = setTimeout(
        () =>
          resume(
            Effect.succeed({
              text: request.model === ARBITER ? arbiterText(0.92, false) : MEMBER_TEXT,
              usage: { inputTokens: 10, outputTokens: 10 }
            })
          ),
        LATENCY_MS
      );
      return Effect.sync(() => clearTimeout(timer));
    })
});

const fake = await startFake();
const dir = mkdtempSync(join(tmpdir(), "consortium-probe-"));
try {
  Object.assign(process.env, fakeEnv(fake));
  const fixtures = writeFixtures(dir, CASES, fake.openaiBaseUrl);
  const suite = await Effect.runPromise(loadSuiteFile(fixtures.consortiumSuite));
  const ideal = Math.ceil(CASES / settings.concurrency) * 2 * LATENCY_MS;
  process.stdout.write(
    `${CASES} cases × 4 calls, -j ${settings.concurrency}, ${LATENCY_MS} ms a call; ideal ${ideal} ms\n`
  );
  for (const [name, client] of [
    ["stub client (engine + eval only)", stub],
    ["live client against the fake", LlmClientLive]
  ] as const) {
    await fake.scriptAll(consortiumScripts(settings));
    const layer = Layer.mergeAll(client, RunLog.none, EvalLog.none);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const report = await Effect.runPromise(
      runSuite(suite, { concurrency: settings.concurrency }).pipe(Effect.provide(layer))
    );
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    const passed = report.targets.reduce((sum, target) => sum + target.passed, 0);
    process.stdout.write(
      `${((used.user + used.system) / 1000 / (CASES * 4)).toFixed(3).padStart(7)} ms CPU per call, ` +
        `wall ${(wall / ideal).toFixed(3)}× ideal, ${passed}/${CASES} passed  ${name}\n`
    );
  }
} finally {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
}
