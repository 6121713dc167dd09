import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeLlmEnv, readCliOptions, serveFromCli } from "../src/index.js";
import { openaiBody, post } from "./helpers.js";

describe("running as its own process", () => {
  it("reads options from a file, inline JSON, and a port override", () => {
    const dir = mkdtempSync(join(tmpdir(), "fake-llm-"));
    const file = join(dir, "options.json");
    writeFileSync(file, JSON.stringify({ record: false, scripts: { m: { text: "from file" } } }));
    expect(readCliOptions([file], {})).toEqual({ record: false, scripts: { m: { text: "from file" } } });
    expect(readCliOptions([], { FAKE_LLM_OPTIONS_FILE: file }).record).toBe(false);
    expect(readCliOptions([], { FAKE_LLM_OPTIONS: '{"record":true}', FAKE_LLM_PORT: "4567" })).toEqual({
      record: true,
      port: 4567
    });
    expect(readCliOptions([], {})).toEqual({});
  });

  it("prints its URLs and is driven through the /_fake endpoints", async () => {
    const lines: Array<string> = [];
    const fake = await serveFromCli([], { FAKE_LLM_OPTIONS: '{"scripts":{"m":{"text":"scripted"}}}' }, (line) =>
      lines.push(line)
    );
    try {
      expect(JSON.parse(lines[0] ?? "")).toMatchObject({ url: fake.url, openaiBaseUrl: fake.openaiBaseUrl });

      const first = (await (await post(fake, "/v1/chat/completions", openaiBody("m"))).json()) as {
        choices: Array<{ message: { content: string } }>;
      };
      expect(first.choices[0]?.message.content).toBe("scripted");

      const scripted = await fetch(`${fake.url}/_fake/script`, {
        method: "POST",
        body: JSON.stringify({ model: "m", script: [{ fault: { type: "status", status: 503 } }, { text: "back" }] })
      });
      expect(scripted.status).toBe(200);
      expect((await post(fake, "/v1/chat/completions", openaiBody("m"))).status).toBe(503);
      expect((await post(fake, "/v1/chat/completions", openaiBody("m"))).status).toBe(200);

      const stats = await (await fetch(`${fake.url}/_fake/stats`)).json();
      expect(stats).toMatchObject({ calls: 3, inFlight: 0, byModel: { m: { calls: 3 } } });
      const requests = await (await fetch(`${fake.url}/_fake/requests`)).json();
      expect(requests).toHaveLength(3);

      expect((await fetch(`${fake.url}/_fake/reset`, { method: "POST" })).status).toBe(200);
      expect(fake.stats.calls).toBe(0);
      const bad = await fetch(`${fake.url}/_fake/script`, { method: "POST", body: '{"model":1}' });
      expect(bad.status).toBe(400);
      expect((await fetch(`${fake.url}/_fake/nothing`)).status).toBe(404);
    } finally {
      await fake.close();
    }
  });

  it("gives the environment that points both built-in providers at it", async () => {
    const lines: Array<string> = [];
    const fake = await serveFromCli([], {}, (line) => lines.push(line));
    try {
      expect(fakeLlmEnv(fake, { openai: "sk-canary" })).toEqual({
        OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: "sk-canary",
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: "test-anthropic-key"
      });
    } finally {
      await fake.close();
    }
  });
});
