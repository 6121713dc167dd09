import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Served, serve } from "./support.js";

// serve's one line per request on stderr can carry what a client or a provider wrote (an unknown
// model's name, a failed run's reason): a terminal showing the log must not obey their control characters.

/** Any C0 or C1 control character but new line and tab. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let fake: FakeLlm;
let server: Served;

beforeAll(async () => {
  fake = await startFakeLlm();
  const root = mkdtempSync(join(tmpdir(), "consortium-serve-controls-"));
  mkdirSync(join(root, "consortia"));
  writeFileSync(
    join(root, "consortia", "pair.yaml"),
    "name: pair\nmembers: [openai/down-m]\narbiter: openai/judge-m\n"
  );
  server = await serve(["--dir", join(root, "consortia"), "--no-log"], fakeLlmEnv(fake));
});
afterAll(async () => {
  await server?.stop();
  await fake.close();
});

const ask = (model: string) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] })
  });

describe("serve's stderr", () => {
  it("an unknown model's name and a provider's failure reach the log inert", async () => {
    expect((await ask("x\u001b]0;pwned\u0007\u009b2J")).status).toBe(404);
    const unknown = await server.waitForLog(/ 404 /);
    expect(unknown).toContain("pwned");
    expect(unknown).not.toMatch(CONTROL);

    fake.script("down-m", {
      fault: { type: "status", status: 400, message: "bad\u001b[8m hidden\u001b]0;title\u0007" }
    });
    expect((await ask("pair")).status).toBe(502);
    const failed = await server.waitForLog(/ 502 /);
    expect(failed).toContain("hidden");
    expect(server.stderr()).not.toMatch(CONTROL);
  });
});
