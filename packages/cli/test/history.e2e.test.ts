import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { useFakeWorkspace } from "./workspace.js";

// The record a run leaves: `run` writes it, `runs` and `show` read it back, and a run cut short by a
// real SIGINT ends `interrupted` with exit 130, keeping the calls that finished.

const CONFIDENT =
  "<synthesis>Canberra.</synthesis><confidence>0.9</confidence><analysis>a</analysis><dissent>d</dissent>" +
  "<needs_iteration>false</needs_iteration><refinement_areas></refinement_areas>";

const ws = useFakeWorkspace("history");
let db: string;
let file: string;

beforeAll(() => {
  db = join(ws.dir, "history.db");
  file = ws.writeConsortium("pair", "members: [openai/fast, openai/slow]\narbiter: openai/judge\n");
});

const cli = (args: ReadonlyArray<string>, whileRunning?: (pid: number) => void) =>
  consortium(args, { env: ws.env({ CONSORTIUM_DB: db }), ...(whileRunning ? { whileRunning } : {}) });

const showJson = async (id: string) => {
  const shown = await cli(["show", id, "--json"]);
  expect(shown.code).toBe(0);
  return JSON.parse(shown.stdout);
};

describe("runs and show", () => {
  it("lists a completed run and shows every call of it", async () => {
    ws.fake.script("judge", { text: CONFIDENT });
    const ran = await cli(["run", file, "Capital of Australia?", "--json"]);
    expect(ran.code).toBe(0);
    const { runId } = JSON.parse(ran.stdout);

    const listed = await cli(["runs", "--json", "--limit", "5"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ id: runId, consortium: "pair", status: "completed" });

    const run = await showJson(runId.slice(0, 20));
    expect(run.status).toBe("completed");
    expect(run.calls.map((c: { role: string; model: string }) => `${c.role}:${c.model}`).sort()).toEqual([
      "arbiter:judge",
      "member:fast",
      "member:slow"
    ]);

    const table = await cli(["show", runId]);
    expect(table.stdout).toContain("openai/fast #1");
    expect(table.stdout).toContain("confidence 0.90");
  });

  it("records a failed run as failed", async () => {
    ws.fake.script("fast", { fault: { type: "status", status: 400 } });
    ws.fake.script("slow", { fault: { type: "status", status: 400 } });
    const ran = await cli(["run", file, "Capital?", "-o", join(ws.dir, "failed.json")]);
    expect(ran.code).toBe(1);
    const listed = JSON.parse((await cli(["runs", "--json", "--limit", "1"])).stdout);
    expect(listed[0].status).toBe("failed");
    // the round that lost its quorum still counts as begun
    expect(listed[0].iterations).toBe(1);
    expect((await showJson(listed[0].id)).calls).toHaveLength(2);
  });

  it("ends a run interrupted by SIGINT as interrupted, exit 130, keeping the finished call", async () => {
    ws.fake.script("fast", { text: "Canberra." });
    ws.fake.script("slow", { fault: { type: "hang" } });
    const ran = await cli(["run", file, "Capital?"], (pid) => {
      // Ready means the fast call's row is in the database (read back by another process), not that
      // some guessed time has passed since it answered.
      const poll = async (): Promise<void> => {
        const answered = ws.fake.requests.find((r) => r.model === "fast")?.outcome === "answered";
        const latest = answered ? JSON.parse((await cli(["runs", "--json", "--limit", "1"])).stdout)[0] : undefined;
        // an earlier test's run is listed until this one's row is written
        const calls = latest?.status === "running" ? (await showJson(latest.id)).calls : [];
        if (calls.some((call: { model: string }) => call.model === "fast")) process.kill(pid, "SIGINT");
        else setTimeout(() => void poll(), 20);
      };
      void poll();
    });

    expect(ran.code).toBe(130);
    expect(ran.stderr).not.toMatch(STACK_FRAME);
    await ws.fake.idle();
    expect(ws.fake.requests.find((r) => r.model === "slow")?.aborted).toBe(true);
    const listed = JSON.parse((await cli(["runs", "--json", "--limit", "1"])).stdout);
    expect(listed[0].status).toBe("interrupted");
    const run = await showJson(listed[0].id);
    expect(run.endedAt).not.toBeNull();
    const fast = run.calls.find((c: { model: string }) => c.model === "fast");
    expect(fast.text).toBe("Canberra.");
  });

  it("says which id is unknown (exit 2)", async () => {
    const shown = await cli(["show", "NOSUCHRUN"]);
    expect(shown.code).toBe(2);
    expect(shown.stderr).toContain("NOSUCHRUN");
    expect(shown.stderr).not.toMatch(STACK_FRAME);
  });
});
