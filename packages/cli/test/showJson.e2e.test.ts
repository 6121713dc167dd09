import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { consortium } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// Scripts read a run back with `show --json` by the names `run --json` gave it (runId, synthesis.text,
// iterations[].responses, usage.costUsd): the same object, then what only the store knows.

const ws = useFakeWorkspace("show-json");
let db: string;
let file: string;

/** What `show --json` adds to the result object. */
const RECORDED = [
  "config",
  "configHash",
  "sourceFile",
  "gitCommit",
  "gitDirty",
  "pid",
  "hostname",
  "conversationId",
  "parentRunId",
  "origin",
  "outerRunId",
  "conversation",
  "calls"
];

/** A member's answer with C1 controls (CSI clears the screen) and DEL, which JSON.stringify leaves raw. */
const HOSTILE = "Canberra.\u009b2J\u0085\u007f";

const withoutRecorded = (shown: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(shown).filter(([key]) => !RECORDED.includes(key)));

beforeAll(() => {
  db = join(ws.dir, "show.db");
  file = ws.writeConsortium("pair", "members: [openai/fast, openai/slow]\narbiter: openai/judge\n");
});

const cli = (args: ReadonlyArray<string>, whileRunning?: (pid: number) => void) =>
  consortium(args, { env: ws.env({ CONSORTIUM_DB: db }), ...(whileRunning ? { whileRunning } : {}) });

const showJson = async (id: string) => {
  const shown = await cli(["show", id, "--json"]);
  expect(shown.code, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout);
};

describe("show --json", () => {
  it("is the object run --json printed, then the run's config, provenance, conversation and calls", async () => {
    ws.fake.script("fast", { text: HOSTILE });
    ws.fake.script("slow", { fault: { type: "status", status: 400 } });
    ws.fake.script("judge", { text: confidentReply("Canberra.") });
    const ran = await cli(["run", file, "Capital of Australia?", "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout);

    const raw = (await cli(["show", result.runId, "--json"])).stdout;
    const shown = JSON.parse(raw);
    expect(withoutRecorded(shown)).toEqual(result);
    expect(Object.keys(shown).slice(0, 4)).toEqual(["runId", "consortium", "status", "prompt"]);
    expect(shown.synthesis.text).toBe("Canberra.");
    expect(shown.calls.map((call: { model: string }) => call.model).sort()).toEqual(["fast", "judge", "slow"]);
    expect(shown.config.name).toBe("pair");
    // the exact answer once parsed, and no raw C1 control for a terminal showing the JSON
    expect(shown.iterations[0].responses.map((response: { text: string }) => response.text)).toContain(HOSTILE);
    expect(raw).not.toMatch(/[\u007f-\u009f]/);
    expect(shown.conversation.map((turn: { runId: string }) => turn.runId)).toEqual([result.runId]);
  });

  it("a round whose arbiter failed: the same in both, each answer with the label the arbiter was shown it under", async () => {
    ws.fake.script("slow", { fault: { type: "status", status: 400 } });
    ws.fake.script("judge", { fault: { type: "status", status: 400 } });
    const ran = await cli(["run", file, "Capital?", "--json"]);
    expect(ran.code).toBe(1);
    const result = JSON.parse(ran.stdout);
    expect(result.status).toBe("failed");
    const shown = await showJson(result.runId);
    expect(withoutRecorded(shown)).toEqual(result);
    const labels = Object.fromEntries(
      shown.iterations[0].responses.map((response: { member: string; label: string | null }) => [
        response.member,
        response.label
      ])
    );
    expect(labels).toEqual({ "openai/fast": "Response 1", "openai/slow": null });
    const judged = ws.fake.requests.find((request) => request.model === "judge")?.messages.at(-1)?.content ?? "";
    expect(judged).toContain('<response label="Response 1">');
  });

  it("a run still going (no result yet) has the same names: what the row holds, no rounds, its calls so far", async () => {
    ws.fake.script("fast", { text: "Canberra." });
    ws.fake.script("slow", { fault: { type: "hang" } });
    let running: Record<string, unknown> | undefined;
    const ran = await cli(["run", file, "Capital?"], (pid) => {
      // Ready means the fast call's row is in the database, read back by another process.
      const poll = async (): Promise<void> => {
        const answered = ws.fake.requests.find((r) => r.model === "fast")?.outcome === "answered";
        const latest = answered ? JSON.parse((await cli(["runs", "--json", "--limit", "1"])).stdout)[0] : undefined;
        const shown = latest?.status === "running" ? await showJson(latest.id) : undefined;
        if (shown?.calls.some((call: { model: string }) => call.model === "fast")) {
          running = shown;
          process.kill(pid, "SIGINT");
        } else setTimeout(() => void poll(), 20);
      };
      void poll();
    });
    expect(ran.code).toBe(130);
    expect(running).toMatchObject({
      consortium: "pair",
      status: "running",
      prompt: "Capital?",
      synthesis: null,
      iterations: [],
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
      endedAt: null,
      error: null
    });
    expect(typeof running?.runId).toBe("string");
    expect(running).not.toHaveProperty("id");
    expect(running).not.toHaveProperty("result");
  });
});
