import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";

// A base URL that cannot be called is bad input, found before any call: never a retried connection
// failure, and a password inside one is never printed or stored.

let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  dir = mkdtempSync(join(tmpdir(), "consortium-baseurl-"));
});
afterAll(() => fake.close());

describe("base URLs", () => {
  it("credentials inside base_url are refused at validation with file:line:col (exit 2)", async () => {
    const file = join(dir, "proxied.yaml");
    writeFileSync(
      file,
      "name: proxied\nmembers: [corp/m]\narbiter: corp/m\nproviders:\n  corp:\n    type: openai\n" +
        `    base_url: http://alice:hunter2hunter2@${new URL(fake.openaiBaseUrl).host}/v1\n`
    );
    for (const args of [
      ["validate", file],
      ["run", file, "hi"]
    ]) {
      const result = await consortium(args, { env: { ...fakeLlmEnv(fake), CONSORTIUM_DB: join(dir, "db.sqlite") } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${file}:7:15: /providers/corp/base_url contains credentials`);
      expect(result.stderr + result.stdout).not.toContain("hunter2");
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ["malformed", "http://[::1/v1", "is not a valid URL"],
    ["with credentials", "http://bob:swordfish99@127.0.0.1:9/v1", "contains credentials"],
    ["without a scheme", "notaurl", "must be an http:// or https:// URL"],
    ["with another scheme", "ftp://127.0.0.1:9/v1", "must be an http:// or https:// URL"]
  ])("an OPENAI_BASE_URL %s is exit 2 before any call, not retried", async (_, url, problem) => {
    const file = join(dir, "plain.yaml");
    writeFileSync(file, "name: plain\nmembers: [openai/m]\narbiter: openai/m\n");
    const started = fake.requests.length;
    const result = await consortium(["run", file, "hi"], {
      env: { ...fakeLlmEnv(fake), OPENAI_BASE_URL: url, CONSORTIUM_DB: join(dir, "db.sqlite") }
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`provider openai: the base URL (OPENAI_BASE_URL) ${problem}`);
    expect(result.stderr).not.toContain("swordfish");
    expect(result.stderr).not.toMatch(/retry/i);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(fake.requests.length).toBe(started);
  });
});
