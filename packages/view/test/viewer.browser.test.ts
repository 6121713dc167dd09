import { get as httpGet } from "node:http";
import { join } from "node:path";
import { Store } from "@consortium/store";
import { Context, Effect, Exit, Layer, Scope } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startViewer, type Viewer } from "../src/index.js";
import { type Browser, launchBrowser, noInjectedMarkup, screenshot } from "./browser.js";
import { config, defaultAnswer, evalReport, HOSTILE, runRecords, tempDir, withStore, writeRun } from "./fixtures.js";

// `consortium view` as a person uses it: the viewer over a read-only store, browsed in Chromium.

const temp = tempDir();
const path = join(temp.dir, "viewer.db");
let browser: Browser;
let viewer: Viewer;
let scope: Scope.CloseableScope;
let store: Store["Type"];

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 10, 12, 0, 0);

beforeAll(async () => {
  await withStore(path, (writer) =>
    Effect.gen(function* () {
      for (let index = 0; index < 60; index++) {
        yield* writeRun(writer, {
          runId: `RUNPAGE${String(index).padStart(3, "0")}`,
          prompt: `Question number ${index}`,
          rounds: 1,
          config: config({ name: index % 2 === 0 ? "even" : "odd" }),
          startedAtMs: BASE - (index + 10) * DAY
        });
      }
      yield* writeRun(writer, {
        runId: "RUNA",
        prompt: "What is the capital of Australia?",
        startedAtMs: BASE - 2 * DAY
      });
      yield* writeRun(writer, {
        runId: "RUNB",
        prompt: "What is the capital of Australia?",
        config: config({ confidenceThreshold: 0.9 }),
        answer: (round, member, instance) =>
          member.startsWith("anthropic") && round === 2
            ? "Sydney, surely.\nNo: Canberra."
            : defaultAnswer(round, member, instance),
        startedAtMs: BASE - DAY
      });
      yield* writeRun(writer, {
        runId: "RUNHOSTILE",
        prompt: HOSTILE,
        answer: () => HOSTILE,
        synthesis: HOSTILE,
        startedAtMs: BASE
      });
      const report = evalReport();
      yield* writer.recordEvalStarted({
        evalId: report.evalId,
        suite: report.suite,
        sourceFile: null,
        config: {
          targets: ["research", "openai/gpt-4.1-mini"],
          caseIds: report.cases.map((one) => one.id),
          threshold: 1
        },
        startedAt: report.startedAt
      });
      for (const one of report.cases) {
        for (const result of one.results) {
          yield* writer.recordEvalResult({
            evalId: report.evalId,
            caseId: one.id,
            target: result.target,
            runId: null,
            passed: result.pass,
            status: result.status,
            output: result.output,
            assertions: result.assertions,
            latencyMs: result.latencyMs,
            inputTokens: result.usage.inputTokens,
            outputTokens: result.usage.outputTokens,
            confidence: result.confidence,
            costUsd: result.costUsd,
            error: result.error,
            recordedAt: report.endedAt
          });
        }
      }
      yield* writer.recordEvalEnded({
        evalId: report.evalId,
        status: "failed",
        summary: report,
        endedAt: report.endedAt
      });
    })
  );
  scope = Effect.runSync(Scope.make());
  const context = await Effect.runPromise(Layer.buildWithScope(Store.layer(path, { readOnly: true }), scope));
  store = Context.get(context, Store);
  viewer = await startViewer({ store, host: "127.0.0.1", port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void));
  temp.cleanup();
});

const url = (path: string) => new URL(path, viewer.url).href;

describe("consortium view", () => {
  it("lists runs newest first, a page at a time, and filters them", async () => {
    const { page, outside } = await browser.open(url("/runs"));
    const ids = await page.locator("#runs tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.run));
    expect(ids.slice(0, 3)).toEqual(["RUNHOSTILE", "RUNB", "RUNA"]);
    expect(ids).toHaveLength(50);
    await screenshot(page, "view-runs-1280-light");
    await page.locator("a[rel=next]").click();
    const older = await page.locator("#runs tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.run));
    expect(older).toHaveLength(13);
    expect(new Set([...ids, ...older]).size).toBe(63);

    await page.goto(url("/runs"));
    await page.locator("input[name=consortium]").fill("odd");
    await page.locator("select[name=status]").selectOption("completed");
    await page.locator("input[name=q]").fill("number 1");
    await page.locator("input[name=q]").press("Enter");
    await page.waitForURL(/consortium=odd/);
    const filtered = await page.locator("#runs tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.run));
    expect(filtered).toEqual(["RUNPAGE001", "RUNPAGE011", "RUNPAGE013", "RUNPAGE015", "RUNPAGE017", "RUNPAGE019"]);
    expect(outside).toEqual([]);
  });

  it("filters runs by date", async () => {
    const day = new Date(BASE - DAY).toISOString().slice(0, 10);
    const { page } = await browser.open(url(`/runs?from=${day}&to=${day}`));
    const ids = await page.locator("#runs tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.run));
    expect(ids).toEqual(["RUNB"]);
  });

  it("shows a run's every answer, decisions and timeline, and a hostile run as inert text", async () => {
    const { page, dialogs, errors } = await browser.open(url("/runs/RUNB"));
    expect(await page.locator("article.answer").count()).toBe(6);
    expect(await page.locator("#round-1").textContent()).toContain("cite the 1908 decision");
    expect(await page.locator("#round-2").textContent()).toContain("stopped: confident enough");
    expect(await page.locator("svg[aria-label^='Timeline'] rect.bar").count()).toBe(8);
    await screenshot(page, "view-run-1280-light");
    const hostile = await browser.open(url("/runs/RUNHOSTILE"), { dark: true });
    expect(await hostile.page.locator("article.answer pre").first().textContent()).toBe(HOSTILE);
    expect(await hostile.page.locator("pre.prompt").textContent()).toBe(HOSTILE);
    expect(await noInjectedMarkup(hostile.page)).toBe(true);
    expect([...dialogs, ...hostile.dialogs]).toEqual([]);
    expect([...errors, ...hostile.errors]).toEqual([]);
    await screenshot(hostile.page, "view-run-hostile-1280-dark");
  });

  it("shows the eval matrix, a case side by side, and the suite's history", async () => {
    const { page } = await browser.open(url("/evals"));
    await page.locator('a[href="/evals/EVAL01"]').click();
    await page.waitForURL(/\/evals\/EVAL01$/);
    const failing = await page
      .locator('#matrix td.cell[data-pass="false"]')
      .evaluateAll((tds) => tds.map((td) => `${td.dataset.case}|${td.dataset.target}`));
    expect(failing).toEqual(["math|openai/gpt-4.1-mini", "hostile|research"]);
    await screenshot(page, "view-eval-1280-light");
    await page.locator('#matrix a:text-is("hostile")').click();
    await page.waitForURL(/cases\/hostile$/);
    expect(await page.locator("article.card").count()).toBe(2);
    expect(await noInjectedMarkup(page)).toBe(true);
    const history = await browser.open(url("/suites/smoke"));
    expect(await history.page.locator("#history circle").count()).toBe(1);
  });

  it("diffs two runs and points at the member that changed", async () => {
    const { page } = await browser.open(url("/diff?a=RUNA&b=RUNB"));
    const changed = await page
      .locator("#diff-round-2 details[data-change=changed]")
      .evaluateAll((items) => items.map((item) => item.dataset.member));
    expect(changed).toEqual(["anthropic/claude-sonnet-4-5 #1"]);
    expect(await page.locator("#diff-round-1 details[data-change=changed]").count()).toBe(0);
    expect(await page.locator("#config-diff").textContent()).toContain("confidenceThreshold");
    expect(await page.locator("#diff-round-2 .diff .add").allTextContents()).toContain("+ Sydney, surely.");
    await screenshot(page, "view-diff-1280-light");
  });

  it("works at phone width in the dark scheme", async () => {
    const { page } = await browser.open(url("/evals/EVAL01"), { width: 390, dark: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "view-eval-390-dark");
  });

  it("updates a running run without a reload", async () => {
    const records = runRecords({ runId: "RUNLIVE", rounds: 1, startedAtMs: BASE + DAY });
    await withStore(path, (writer) => writer.runStarted(records.started));
    const { page } = await browser.open(url("/runs/RUNLIVE"));
    expect(await page.locator("article.answer").count()).toBe(0);
    await page.evaluate(() => {
      (window as unknown as { marker: boolean }).marker = true;
    });
    await withStore(path, (writer) => Effect.forEach(records.calls, (call) => writer.callEnded(call)));
    await page.locator("article.answer").nth(2).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
  });

  it("gives a run's JSON by the names run --json and show --json use", async () => {
    const reply = await fetch(url("/runs/RUNA.json"));
    expect(reply.status).toBe(200);
    const run = await reply.json();
    expect(run.runId).toBe("RUNA");
    expect(run).not.toHaveProperty("id");
    expect(run).not.toHaveProperty("result");
    expect(typeof run.synthesis.text).toBe("string");
    expect(Array.isArray(run.iterations)).toBe(true);
    expect(run.usage).toMatchObject({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
    expect(run.calls.length).toBeGreaterThan(0);
  });

  it("answers only GET and refuses a foreign Host header", async () => {
    const post = await fetch(url("/runs"), { method: "POST" });
    expect(post.status).toBe(405);
    // fetch() sets Host itself; a rebinding page's request carries the attacker's name there
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpGet(url("/runs"), { headers: { host: "attacker.example:8788" } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on("error", reject);
    });
    expect(rebound).toBe(421);
    const ok = await fetch(url("/runs"));
    expect(ok.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});

describe("viewer access", () => {
  it("needs the bearer token when one is set", async () => {
    const guarded = await startViewer({ store, host: "127.0.0.1", port: 0, apiKey: "s3cret-token" });
    try {
      expect((await fetch(new URL("/runs", guarded.url))).status).toBe(401);
      expect((await fetch(new URL("/runs", guarded.url), { headers: { authorization: "Bearer wrong" } })).status).toBe(
        401
      );
      const ok = await fetch(new URL("/runs", guarded.url), { headers: { authorization: "Bearer s3cret-token" } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
