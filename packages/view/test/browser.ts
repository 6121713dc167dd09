import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

// Debian's Chromium driven by playwright-core: the packages' own browser downloads cannot work here,
// so the system browser is named by path. A fresh profile per launch; nothing reaches the network.

export const CHROMIUM = process.env.CONSORTIUM_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
];

export interface Browser {
  readonly context: BrowserContext;
  /** A page that records dialogs and page errors, so a test can prove no script ran. */
  readonly open: (url: string, options?: { readonly width?: number; readonly dark?: boolean }) => Promise<Watched>;
  readonly close: () => Promise<void>;
}

export interface Watched {
  readonly page: Page;
  readonly dialogs: Array<string>;
  readonly errors: Array<string>;
  /** Requests to anything but the page's own origin or file. */
  readonly outside: Array<string>;
}

export const launchBrowser = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`);
  }
  const profile = mkdtempSync(join(tmpdir(), "consortium-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 }
  });
  const open = async (url: string, options: { readonly width?: number; readonly dark?: boolean } = {}) => {
    const page = await context.newPage();
    const watched: Watched = { page, dialogs: [], errors: [], outside: [] };
    page.on("dialog", (dialog) => {
      watched.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => watched.errors.push(error.message));
    const origin = url.startsWith("file:") ? url : new URL(url).origin;
    page.on("request", (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) watched.outside.push(request.url());
    });
    await page.setViewportSize({ width: options.width ?? 1280, height: 900 });
    await page.emulateMedia({ colorScheme: options.dark === true ? "dark" : "light" });
    await page.goto(url, { waitUntil: "load" });
    return watched;
  };
  return {
    context,
    open,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  };
};

const SCREENSHOTS = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

/** Saves a screenshot into docs/screenshots only when CONSORTIUM_SCREENSHOTS=1, so tests leave the tree clean. */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  if (process.env.CONSORTIUM_SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
};

/** True when nothing in the page came from the hostile text as markup. */
export const noInjectedMarkup = (page: Page): Promise<boolean> =>
  page.evaluate(
    () =>
      (window as unknown as { pwned?: unknown }).pwned === undefined &&
      document.querySelectorAll("img, svg[onload], [onerror], [onload], a[href^='javascript' i]").length === 0 &&
      [...document.scripts].every(
        (script) =>
          script.type === "application/json" || (script.src === "" && script.textContent?.includes("use strict"))
      )
  );
