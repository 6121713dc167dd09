import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evalReportHtml, runReportHtml } from "../src/index.js";
import { type Browser, launchBrowser, noInjectedMarkup, screenshot } from "./browser.js";
import { evalReport, HOSTILE, storedRun, tempDir } from "./fixtures.js";

// The self-contained files as Chromium shows them: every answer there, hostile text inert, the matrix
// right, and not one request leaving the file.

let browser: Browser;
const temp = tempDir();
let runFile: string;
let evalFile: string;

// A matrix link opens its case on the page's hashchange, which fires after click() returns: wait for
// the case's first card to be shown instead of reading the page at once.
const opened = (cards: Locator): Promise<void> => cards.first().waitFor({ state: "visible" });

beforeAll(async () => {
  const run = await storedRun(join(temp.dir, "runs.db"), {
    runId: "RUN0HOSTILE",
    answer: (round, member, instance) =>
      member.startsWith("anthropic") && round === 2 ? HOSTILE : `Answer of ${member} #${instance} in round ${round}`,
    synthesis: `# Canberra\n\nIt is **Canberra**.\n\n${HOSTILE}`
  });
  runFile = join(temp.dir, "run.html");
  writeFileSync(runFile, runReportHtml(run));
  evalFile = join(temp.dir, "report.html");
  writeFileSync(evalFile, evalReportHtml(evalReport()));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  temp.cleanup();
});

describe("run report file", () => {
  it("shows every member answer of every round", async () => {
    const { page, outside } = await browser.open(pathToFileURL(runFile).href);
    const answers = await page.locator("article.answer").count();
    expect(answers).toBe(6);
    for (const round of [1, 2]) {
      await expect(page.locator(`#round-${round}`).textContent()).resolves.toContain(
        `Answer of openai/gpt-4.1-mini #2 in round ${round}`
      );
    }
    await expect(page.locator("#round-2").textContent()).resolves.toContain("confident enough");
    const stats = (member: string) =>
      page.locator(`#round-1 article.answer[data-member="${member}"] .stats`).textContent();
    expect(await stats("openai/gpt-4.1-mini#2")).toContain("$0.0002");
    expect(await stats("anthropic/claude-sonnet-4-5#1")).toContain("cost unknown");
    expect(await page.locator("#final-answer h1").textContent()).toBe("Canberra");
    expect(outside).toEqual([]);
    await screenshot(page, "run-report-1280-light");
  });

  it("renders a hostile answer as text: no dialog, no script, no injected element", async () => {
    const { page, dialogs, errors } = await browser.open(pathToFileURL(runFile).href);
    const hostile = page.locator('article.answer[data-member="anthropic/claude-sonnet-4-5#1"] pre').last();
    expect(await hostile.textContent()).toBe(HOSTILE);
    expect(await page.locator("#final-answer").textContent()).toContain("<script>");
    expect(await noInjectedMarkup(page)).toBe(true);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    const json = await page.locator("#run-json").textContent();
    expect(JSON.parse(json ?? "null").runId).toBe("RUN0HOSTILE");
  });

  it("reads at phone width in the dark scheme", async () => {
    const { page } = await browser.open(pathToFileURL(runFile).href, { width: 390, dark: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(13, 17, 23)");
    await screenshot(page, "run-report-390-dark");
  });
});

describe("eval report file", () => {
  it("shows the right pass and fail cells", async () => {
    const { page, dialogs, outside } = await browser.open(pathToFileURL(evalFile).href);
    const cells = await page
      .locator("#matrix td.cell")
      .evaluateAll((tds) => tds.map((td) => `${td.dataset.case}|${td.dataset.target}|${td.dataset.pass}`));
    expect(cells).toEqual([
      "capital|research|true",
      "capital|openai/gpt-4.1-mini|true",
      "math|research|true",
      "math|openai/gpt-4.1-mini|false",
      "hostile|research|false",
      "hostile|openai/gpt-4.1-mini|true"
    ]);
    expect(await page.locator('#matrix td[data-case="math"][data-pass="false"]').textContent()).toContain("contains");
    expect(await noInjectedMarkup(page)).toBe(true);
    expect(dialogs).toEqual([]);
    expect(outside).toEqual([]);
    await screenshot(page, "eval-report-1280-light");
  });

  it("filters to failing cases from the keyboard", async () => {
    const { page } = await browser.open(pathToFileURL(evalFile).href);
    await page.locator("#only-failures").focus();
    await page.keyboard.press("Space");
    const visible = await page
      .locator("#matrix tbody tr:visible")
      .evaluateAll((rows) => rows.map((row) => row.dataset.case));
    expect(visible).toEqual(["math", "hostile"]);
  });

  it("shows every row of a long matrix, the failures filter and case links working on all of them", async () => {
    const base = evalReport();
    const many = {
      ...base,
      cases: Array.from({ length: 450 }, (_, index) => ({
        ...base.cases[index % 3]!,
        id: `case-${index}`
      }))
    };
    const file = join(temp.dir, "long-report.html");
    writeFileSync(file, evalReportHtml(many));
    const { page, errors } = await browser.open(pathToFileURL(file).href);
    await page.locator("#only-failures").check();
    await page.waitForFunction(() => document.querySelectorAll("#matrix tbody tr").length === 450);
    const visible = await page.locator("#matrix tbody tr:visible").count();
    expect(visible).toBe(300);
    await page.locator("#only-failures").uncheck();
    expect(await page.locator("#matrix tbody tr:visible").count()).toBe(450);
    await page.locator('#matrix a:text-is("case-449")').click();
    await opened(page.locator("#case-450 article.card"));
    expect(errors).toEqual([]);
  });

  it("opens a case from the matrix with each target's answer side by side, hostile text inert", async () => {
    const { page, dialogs, errors } = await browser.open(pathToFileURL(evalFile).href);
    await page.locator('#matrix a:text-is("hostile")').click();
    const cards = page.locator("#case-3 article.card");
    await opened(cards);
    expect(await cards.count()).toBe(2);
    expect(await cards.first().locator("pre.answer-text").textContent()).toBe(HOSTILE);
    expect(await cards.first().locator("ul.assertions").textContent()).toContain("not-icontains");
    expect(await page.locator("#case-3 pre.prompt").textContent()).toBe("<b>bold?</b>");
    expect(await noInjectedMarkup(page)).toBe(true);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.locator('#matrix a:text-is("capital")').click();
    await opened(page.locator("#case-1 article.card"));
    expect(await page.locator("#case-1 article.card pre.answer-text").allTextContents()).toEqual([
      "Canberra",
      "Canberra"
    ]);
  });
});
