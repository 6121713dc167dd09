import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Store } from "@consortium/store";
import { type FakeLlm, fakeLlmEnv, startFakeLlm } from "@consortium/testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arbiterReply } from "./support.js";

// `consortium mcp` end to end: the MCP SDK's own client spawns the built CLI over stdio.

const binPath = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));

let fake: FakeLlm;
let client: Client;
let db: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  fake.script("judge-m", { text: arbiterReply("Canberra.") });
  const root = mkdtempSync(join(tmpdir(), "consortium-mcp-"));
  const dir = join(root, "consortia");
  db = join(root, "runs.db");
  mkdirSync(dir);
  writeFileSync(join(dir, "capital.yaml"), "name: capital\nmembers: [openai/gpt-m:2]\narbiter: openai/judge-m\n");
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binPath, "mcp", "--dir", dir, "--db", db],
    env: { ...(process.env as Record<string, string>), ...fakeLlmEnv(fake) },
    stderr: "pipe"
  });
  client = new Client({ name: "consortium-test", version: "1.0.0" });
  await client.connect(transport);
});
afterAll(async () => {
  await client?.close();
  await fake.close();
});

describe("consortium mcp", () => {
  it("lists its tools and the consortia", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["list_consortia", "run_consortium"]);
    const listed = await client.callTool({ name: "list_consortia", arguments: {} });
    expect(listed.structuredContent).toEqual({
      consortia: [{ name: "capital", description: null, members: ["openai/gpt-m:2"], arbiter: "openai/judge-m" }]
    });
  });

  it("runs a consortium, reporting progress, and the run is stored with origin mcp", async () => {
    const progress: Array<string> = [];
    const result = await client.callTool(
      { name: "run_consortium", arguments: { consortium: "capital", prompt: "Capital of Australia?" } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? "") }
    );
    expect(result.isError).toBeFalsy();
    const summary = result.structuredContent as {
      runId: string;
      status: string;
      synthesis: string;
      confidence: number;
    };
    expect(summary).toMatchObject({ status: "completed", synthesis: "Canberra.", confidence: 0.9 });
    expect((result.content as Array<{ text: string }>)[0]?.text).toContain("Canberra.");
    expect(progress.some((line) => line.includes("round 1"))).toBe(true);
    const stored = await Effect.runPromise(
      Effect.flatMap(Store, (store) => store.getRun(summary.runId)).pipe(Effect.provide(Store.layer(db)))
    );
    expect(stored.origin).toBe("mcp");
  });

  it("answers an unknown consortium or bad arguments with a tool error, and keeps serving", async () => {
    const unknown = await client.callTool({ name: "run_consortium", arguments: { consortium: "nope", prompt: "Q?" } });
    expect(unknown.isError).toBe(true);
    expect((unknown.content as Array<{ text: string }>)[0]?.text).toContain("no consortium named");
    const bad = await client.callTool({ name: "run_consortium", arguments: { consortium: "capital" } });
    expect(bad.isError).toBe(true);
    expect((await client.listTools()).tools).toHaveLength(2);
  });
});
