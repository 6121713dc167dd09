import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FakeRequest } from "@consortium/testkit";
import { describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// The judging methods as a user meets them: the built binary against the loopback fake server, with
// model replies that depend on what each request shows (the answers arrive under shuffled labels).

const ws = useFakeWorkspace("judging");

const { writeConsortium } = ws;

const run = (args: ReadonlyArray<string>) =>
  consortium(["run", ...args], { env: ws.env({ CONSORTIUM_DB: join(ws.dir, "runs.db") }) });

const lastMessage = (request: FakeRequest): string => request.messages.at(-1)?.content ?? "";

/** The label ("Response 3") a request shows `answer` under: the last label before the answer's text. */
const labelOf = (content: string, answer: string): string => {
  const at = content.indexOf(answer);
  const labels = [...content.slice(0, at).matchAll(/Response \d+/g)];
  const label = labels.at(-1)?.[0];
  if (at < 0 || label === undefined) throw new Error(`"${answer}" is not in the request`);
  return label;
};

const rankingOf = (content: string, answers: ReadonlyArray<string>): string =>
  `<ranking>${answers.map((answer) => `<rank>${labelOf(content, answer)}</rank>`).join("")}</ranking>`;

const isReview = (request: FakeRequest): boolean => lastMessage(request).includes("Rank their answers");

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

const resultOf = (file: string) => JSON.parse(readFileSync(file, "utf8"));

const THREE = "members: [openai/m1, openai/m2, openai/m3]\narbiter: openai/judge\nmax_iterations: 1\n";
// Verbatim means verbatim: white space, a fence, a trailing space.
const BETA = "Beta answer:\n\n```js\nconst x = 1; \n```";

describe("judging: select", () => {
  it("returns the exact text of the answer the arbiter ranked first, never a synthesis", async () => {
    ws.fake.script("m1", { text: "Alpha answer." });
    ws.fake.script("m2", { text: BETA });
    ws.fake.script("m3", { text: "Gamma answer." });
    ws.fake.script("judge", (request) => ({
      text:
        "<analysis>Beta is right.</analysis>\n" +
        `${rankingOf(lastMessage(request), ["Beta answer", "Gamma answer.", "Alpha answer."])}\n` +
        "<synthesis>A blend nobody asked for.</synthesis>\n<confidence>0.9</confidence>\n<needs_iteration>false</needs_iteration>"
    }));
    const file = writeConsortium("select", `${THREE}judging: select\n`);
    const out = join(ws.dir, "select.json");

    const result = await run([file, "Which?", "-o", out]);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(0);
    const json = resultOf(out);
    expect(json.status).toBe("completed");
    expect(json.synthesis.text).toBe(BETA);
    expect(json.synthesis.confidence).toBe(0.9);
    expect(json.iterations[0].ranking.map((r: { member: string }) => r.member)).toEqual([
      "openai/m2",
      "openai/m3",
      "openai/m1"
    ]);
    const judge = ws.fake.requests.filter((r) => r.model === "judge");
    expect(judge).toHaveLength(1);
    expect(lastMessage(judge[0]!)).toContain("<ranking>");
  });

  it("--judging select overrides the file's method", async () => {
    ws.fake.script("m1", { text: "Alpha answer." });
    ws.fake.script("m2", { text: "Beta answer." });
    ws.fake.script("m3", { text: "Gamma answer." });
    ws.fake.script("judge", (request) => ({
      text: `${rankingOf(lastMessage(request), ["Gamma answer."])}<confidence>85%</confidence>`
    }));
    const file = writeConsortium("select-flag", THREE);

    const result = await run([file, "Which?", "--judging", "select", "--json"]);

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.synthesis.text).toBe("Gamma answer.");
    expect(json.synthesis.confidence).toBe(0.85);
  });
});

describe("judging: peer-review", () => {
  // r1 ranks A > B > C, r2 B > C > A, r3 only C > A. Borda (n = 3): A 2+0+1 = 3, B 1+2 = 3, C 0+1+2 = 3.
  // Mean places: B 1.5, A 2, C 2; so B first, then A and C by label.
  const reviews: Record<string, ReadonlyArray<string>> = {
    m1: ["Alpha answer.", "Beta answer.", "Gamma answer."],
    m2: ["Beta answer.", "Gamma answer.", "Alpha answer."],
    m3: ["Gamma answer.", "Alpha answer."]
  };
  const answers: Record<string, string> = { m1: "Alpha answer.", m2: "Beta answer.", m3: "Gamma answer." };
  const scriptMembers = (failing?: string) => {
    for (const model of ["m1", "m2", "m3"]) {
      ws.fake.script(model, (request) =>
        !isReview(request)
          ? { text: answers[model]! }
          : model === failing
            ? { fault: { type: "status", status: 500 } }
            : { text: rankingOf(lastMessage(request), reviews[model]!) }
      );
    }
    ws.fake.script("judge", {
      text: confidentReply("Beta, refined.")
    });
  };

  it("sends one review per answering instance, each listing every answer once; the Borda aggregate breaks ties by mean place, then label", async () => {
    scriptMembers();
    const file = writeConsortium("peer", `${THREE}judging: peer-review\n`);
    const out = join(ws.dir, "peer.json");

    const result = await run([file, "Which?", "-o", out]);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(0);
    const reviewRequests = ws.fake.requests.filter(isReview);
    expect(reviewRequests.map((r) => r.model).sort()).toEqual(["m1", "m2", "m3"]);
    for (const request of reviewRequests) {
      for (const answer of Object.values(answers)) expect(occurrences(lastMessage(request), answer)).toBe(1);
    }
    const judge = ws.fake.requests.filter((r) => r.model === "judge");
    expect(judge).toHaveLength(1);
    const content = lastMessage(judge[0]!);
    const [a, b, c] = ["Alpha answer.", "Beta answer.", "Gamma answer."].map((answer) => labelOf(content, answer));
    const tail = [a!, c!].sort((x, y) => x.localeCompare(y, "en", { numeric: true }));
    const json = resultOf(out);
    expect(json.synthesis.text).toBe("Beta, refined.");
    expect(json.iterations[0].ranking.map((r: { label: string }) => r.label)).toEqual([b, ...tail]);
    expect(json.iterations[0].ranking.map((r: { points: number }) => r.points)).toEqual([3, 3, 3]);
    expect(json.iterations[0].ranking[0]).toMatchObject({ member: "openai/m2", instance: 1, averageRank: 1.5 });
    expect(content).toContain(`1. ${b}: 3 points`);
    expect(json.iterations[0].reviews).toHaveLength(3);
    expect(json.iterations[0].reviews.find((r: { member: string }) => r.member === "openai/m3").ranking).toEqual([
      c,
      a
    ]);

    const shown = await consortium(["show", json.runId, "--json"], {
      env: { CONSORTIUM_DB: join(ws.dir, "runs.db") }
    });
    expect(shown.code).toBe(0);
    const roles = JSON.parse(shown.stdout).calls.map((call: { role: string }) => call.role);
    expect(roles.filter((role: string) => role === "reviewer")).toHaveLength(3);
    const text = await consortium(["show", json.runId], { env: { CONSORTIUM_DB: join(ws.dir, "runs.db") } });
    expect(text.stdout).toContain(`reviewer openai/m3 #1`);
    expect(text.stdout).toContain(`ranks ${c} > ${a}`);
    expect(text.stdout).toContain(`ranking (best first):\n    1. ${b}  openai/m2 #1  3 points`);
  });

  it("a reviewer that fails with 500 is retried, then left out; the others still rank", async () => {
    scriptMembers("m3");
    const file = writeConsortium("peer-500", `${THREE}judging: peer-review\nlimits: {retries: 1}\n`);
    const out = join(ws.dir, "peer-500.json");

    const result = await run([file, "Which?", "-o", out]);

    expect(result.code).toBe(0);
    expect(ws.fake.requests.filter((r) => r.model === "m3" && isReview(r))).toHaveLength(2);
    const json = resultOf(out);
    const failed = json.iterations[0].reviews.find((r: { member: string }) => r.member === "openai/m3");
    expect(failed.error.type).toBe("ServerError");
    expect(failed.attempts).toBe(2);
    expect(failed.ranking).toEqual([]);
    // Two reviews count: A 2+0 = 2, B 1+2 = 3, C 0+1 = 1.
    expect(json.iterations[0].ranking.map((r: { member: string }) => r.member)).toEqual([
      "openai/m2",
      "openai/m1",
      "openai/m3"
    ]);
    expect(json.warnings.join("\n")).toContain("review left out: openai/m3#1");
  });
});

describe("judging: vote", () => {
  const FOUR = "members: [openai/v1, openai/v2, openai/v3, openai/v4]\narbiter: openai/judge\nmax_iterations: 1\n";

  it("makes no arbiter call when 3 of 4 agree; the share is the confidence", async () => {
    ws.fake.script("v1", { text: "  Canberra." });
    ws.fake.script("v2", { text: "canberra" });
    ws.fake.script("v3", { text: "Sydney" });
    ws.fake.script("v4", { text: "CANBERRA!" });
    const file = writeConsortium("vote", `${FOUR}judging: vote\n`);

    const result = await run([file, "Capital?", "--json"]);

    expect(result.code).toBe(0);
    expect(ws.fake.requests.filter((r) => r.model === "judge")).toHaveLength(0);
    const json = JSON.parse(result.stdout);
    expect(json.synthesis.text).toBe("  Canberra.");
    expect(json.synthesis.confidence).toBe(0.75);
    expect(json.iterations[0].arbiter).toBeNull();
    expect(json.iterations[0].votes[0]).toMatchObject({ vote: "canberra", count: 3 });
  });

  it("asks the arbiter exactly once on a 2-2 tie, and it decides", async () => {
    ws.fake.script("v1", { text: "The answer is Canberra" });
    ws.fake.script("v2", { text: "answer is: sydney" });
    ws.fake.script("v3", { text: "Answer is Sydney." });
    ws.fake.script("v4", { text: "answer is canberra" });
    ws.fake.script("judge", (request) => ({
      text: `${rankingOf(lastMessage(request), ["answer is: sydney"])}<confidence>0.6</confidence>`
    }));
    const file = writeConsortium("vote-tie", `${FOUR}judging: vote\nvote: {extract: "/answer is:? (\\\\w+)/i"}\n`);

    const result = await run([file, "Capital?", "--json"]);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(0);
    const judge = ws.fake.requests.filter((r) => r.model === "judge");
    expect(judge).toHaveLength(1);
    const json = JSON.parse(result.stdout);
    expect(json.synthesis.text).toBe("answer is: sydney");
    expect(json.synthesis.confidence).toBe(0.5);
    expect(json.iterations[0].votes.map((group: { vote: string }) => group.vote)).toEqual(["canberra", "sydney"]);
  });
});

describe("judging: vote without an arbiter", () => {
  const FOUR = "members: [openai/v1, openai/v2, openai/v3, openai/v4]\nmax_iterations: 1\njudging: vote\n";

  it("a 2-2 tie goes to the first answer in member order, its share the confidence, with no judge call", async () => {
    ws.fake.script("v1", { text: "Sydney" });
    ws.fake.script("v2", { text: "Canberra." });
    ws.fake.script("v3", { text: "canberra" });
    ws.fake.script("v4", { text: "sydney!" });
    const file = writeConsortium("vote-alone", FOUR);

    const result = await run([file, "Capital?", "--json"]);

    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code, result.stderr).toBe(0);
    expect(ws.fake.requests).toHaveLength(4);
    const json = JSON.parse(result.stdout);
    expect(json.status).toBe("completed");
    expect(json.synthesis.text).toBe("Sydney");
    expect(json.synthesis.confidence).toBe(0.5);
    expect(json.iterations[0].arbiter).toBeNull();
    expect(json.iterations[0].votes.map((group: { vote: string }) => group.vote)).toEqual(["sydney", "canberra"]);
  });

  it("a method that needs an arbiter and has none fails validation with exit 2", async () => {
    const file = writeConsortium("select-alone", "members: [openai/v1, openai/v2]\njudging: select\n");
    const result = await consortium(["validate", file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`${file}:1:1: /arbiter is required`);
    const synthesis = writeConsortium("synthesis-alone", "members: [openai/v1]\n");
    expect((await consortium(["validate", synthesis])).stderr.trim()).toBe(`${synthesis}:1:1: /arbiter is required`);
  });

  it("--judging that needs an arbiter on a vote without one names the flag, exit 2, no call", async () => {
    const file = writeConsortium("vote-alone-flag", FOUR);
    const result = await run([file, "Capital?", "--judging", "synthesis", "--no-log"]);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("--judging synthesis: /arbiter is required");
    expect(ws.fake.requests).toHaveLength(0);
  });
});

describe("judging in consortium files", () => {
  it("an unknown method or a broken vote.extract fails validation with file:line:col and exit 2", async () => {
    const file = writeConsortium(
      "bad-judging",
      "members: [openai/m1]\narbiter: openai/judge\njudging: best\nvote:\n  extract: /(unclosed/\n"
    );
    const result = await consortium(["validate", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:4:10: /judging must be one of`);
    expect(result.stderr).toMatch(new RegExp(`${file}:6:12: /vote/extract is not a valid regular expression`));
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it("consortium schema lists the methods", async () => {
    const result = await consortium(["schema"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).properties.judging.enum).toEqual(["synthesis", "select", "peer-review", "vote"]);
  });
});
