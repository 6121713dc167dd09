import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// A whole consortium as a member of another, through the built binary against the fake server: the
// inner runs go through the outer run's provider caps, are recorded as runs of their own linked to the
// outer run, and a cycle of includes is refused before any call.

const ws = useFakeWorkspace("nested");

const { write } = ws;

const cli = (args: ReadonlyArray<string>, db: string) => consortium(args, { env: ws.env({ CONSORTIUM_DB: db }) });

describe("nested consortia", () => {
  it("inner calls count against the outer per-provider cap; inner runs are recorded and linked to the outer run", async () => {
    for (const model of ["m1", "i1"]) ws.fake.script(model, { text: `answer of ${model}`, latencyMs: 150 });
    ws.fake.script("inner-judge", { text: confidentReply("INNER SYNTHESIS") });
    ws.fake.script("judge", { text: confidentReply("OUTER SYNTHESIS") });
    write("panel.yaml", "name: panel\nmembers: [openai/i1:3]\narbiter: openai/inner-judge\n");
    const outer = write(
      "outer.yaml",
      "name: outer\nmembers:\n  - openai/m1\n  - consortium: panel\n    count: 2\narbiter: openai/judge\n" +
        "providers:\n  openai:\n    concurrency: 2\n"
    );
    const db = join(ws.dir, "capped.db");

    const result = await cli(["run", outer, "What?", "--json"], db);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code, result.stderr).toBe(0);
    // 1 outer member + 2 inner runs × (3 members + 1 arbiter) + the outer arbiter
    expect(ws.fake.stats.calls).toBe(10);
    expect(ws.fake.stats.maxInFlight).toBeLessThanOrEqual(2);
    const json = JSON.parse(result.stdout);
    expect(json.synthesis.text).toBe("OUTER SYNTHESIS");
    const responses = json.iterations[0].responses;
    expect(responses.map((r: { member: string; instance: number }) => `${r.member}#${r.instance}`)).toEqual([
      "openai/m1#1",
      "consortium/panel#1",
      "consortium/panel#2"
    ]);
    expect(responses[1].text).toBe("INNER SYNTHESIS");
    const judged = ws.fake.requests.find((r) => r.model === "judge")?.messages.at(-1)?.content ?? "";
    expect(judged.split("INNER SYNTHESIS")).toHaveLength(3);

    const innerIds: Array<string> = responses.slice(1).map((r: { innerRunId: string }) => r.innerRunId);
    expect(new Set(innerIds).size).toBe(2);
    for (const id of innerIds) {
      const inner = await cli(["show", id, "--json"], db);
      expect(inner.code, inner.stderr).toBe(0);
      const stored = JSON.parse(inner.stdout);
      expect(stored.consortium).toBe("panel");
      expect(stored.outerRunId).toBe(json.runId);
      expect(stored.synthesis.text).toBe("INNER SYNTHESIS");
    }
    const shown = await cli(["show", json.runId], db);
    expect(shown.code, shown.stderr).toBe(0);
    for (const id of innerIds) expect(shown.stdout).toContain(`answered by run ${id}`);
    const innerShown = await cli(["show", innerIds[0]!], db);
    expect(innerShown.stdout).toContain(`member of   run ${json.runId}`);
  });

  it("an inner run that fails is a failed member answer; the outer run goes on with the others", async () => {
    ws.fake.script("m1", { text: "answer of m1" });
    ws.fake.script("i1", { fault: { type: "status", status: 400, message: "bad request" } });
    ws.fake.script("judge", { text: confidentReply("OUTER") });
    write("broken.yaml", "name: broken\nmembers: [openai/i1]\narbiter: openai/inner-judge\n");
    const outer = write(
      "outer-broken.yaml",
      "name: outer-broken\nmembers: [openai/m1, {consortium: broken}]\narbiter: openai/judge\n"
    );

    const result = await cli(["run", outer, "What?", "--json"], join(ws.dir, "broken.db"));

    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.status).toBe("degraded");
    const failed = json.iterations[0].responses[1];
    expect(failed.member).toBe("consortium/broken");
    expect(failed.error.type).toBe("NestedRunFailed");
    expect(failed.error.message).toContain(`run ${failed.innerRunId}`);
    expect(ws.fake.requests.filter((r) => r.model === "inner-judge")).toHaveLength(0);
  });

  it("the outer run's timeout covers the inner run: both are recorded, the member call as interrupted", async () => {
    ws.fake.script("slow", { fault: { type: "hang" } });
    write("hanging.yaml", "name: hanging\nmembers: [openai/slow]\narbiter: openai/inner-judge\n");
    const outer = write(
      "outer-timeout.yaml",
      "name: outer-timeout\nmembers: [{consortium: hanging}]\narbiter: openai/judge\nlimits:\n  run_timeout: 1s\n"
    );
    const db = join(ws.dir, "timeout.db");

    const result = await cli(["run", outer, "What?", "--json"], db);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    const stored = JSON.parse((await cli(["show", json.runId, "--json"], db)).stdout);
    const call = stored.calls.find((c: { provider: string }) => c.provider === "consortium");
    expect(call.error.type).toBe("Interrupted");
    const inner = JSON.parse((await cli(["show", call.innerRunId, "--json"], db)).stdout);
    expect(inner.status).toBe("interrupted");
    expect(inner.outerRunId).toBe(json.runId);
  });

  it("a role the outer strategy gives an included consortium reaches every member of its inner run", async () => {
    ws.fake.script("inner-judge", { text: confidentReply("INNER") });
    ws.fake.script("judge", { text: confidentReply("OUTER") });
    write(
      "roled-panel.yaml",
      "name: roled-panel\nmembers: [openai/i1:2]\narbiter: openai/inner-judge\nsystem: Be terse.\n"
    );
    const outer = write(
      "roled.yaml",
      "name: roled\nmembers:\n  - openai/m1\n  - consortium: roled-panel\narbiter: openai/judge\n" +
        "strategy: {roles: [proposer, skeptic]}\n"
    );

    const result = await cli(["run", outer, "What?", "--json"], join(ws.dir, "roled.db"));

    expect(result.code, result.stderr).toBe(0);
    const systems = (model: string) => ws.fake.requests.filter((r) => r.model === model).map((r) => r.system ?? "");
    expect(systems("m1")).toEqual(["In this panel, your role is: proposer."]);
    expect(systems("i1")).toEqual([
      "Be terse.\n\nIn this panel, your role is: skeptic.",
      "Be terse.\n\nIn this panel, your role is: skeptic."
    ]);
    const roles = JSON.parse(result.stdout).iterations[0].responses.map((r: { role: string }) => r.role);
    expect(roles).toEqual(["proposer", "skeptic"]);
  });

  it("a two-file cycle fails validation with exit 2, naming the chain at file:line:col, before any call", async () => {
    const a = write(
      "cycle-a.yaml",
      "name: a\nmembers:\n  - openai/m1\n  - consortium: cycle-b\narbiter: openai/judge\n"
    );
    const b = write("cycle-b.yaml", "name: b\nmembers:\n  - consortium: cycle-a.yaml\narbiter: openai/judge\n");

    for (const args of [
      ["validate", a],
      ["run", a, "What?"]
    ]) {
      const result = await cli(args, join(ws.dir, "cycle.db"));
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${b}:3:17: /members/0/consortium includes a consortium that includes this one`);
      expect(result.stderr).toContain(`${a} → ${b} → ${a}`);
    }
    expect(ws.fake.stats.calls).toBe(0);
  });
});
