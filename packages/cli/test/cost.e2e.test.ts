import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// Costs from the command line: estimates make no request and need no key, a budget over an unpriced
// model is refused, and a run with unpriced models says so once on stderr.

const ws = useFakeWorkspace("cost");

const { write } = ws;

/** The fake server's URLs, and no API key at all. */
const noKeys = () => {
  const env: Record<string, string> = {
    ...ws.env(),
    CONSORTIUM_DB: join(ws.dir, "runs.db"),
    OPENAI_API_KEY: "",
    ANTHROPIC_API_KEY: ""
  };
  return env;
};

const priced = `name: priced
members: [{model: openai/gpt-4.1-mini, count: 2, max_tokens: 100}]
arbiter: {model: anthropic/claude-haiku-4-5, max_tokens: 200}
max_iterations: 2
`;

describe("cost on the command line", () => {
  it("estimate: worst and typical per model and in total, with no key and no request", async () => {
    const file = write("priced.yaml", priced);
    const result = await consortium(["estimate", file, "--prompt-tokens", "1000"], { env: noKeys() });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/openai\/gpt-4\.1-mini\s+4\s+2\s+\$/);
    expect(result.stdout).toMatch(/anthropic\/claude-haiku-4-5\s+2\s+1\s+\$/);
    expect(result.stdout).toMatch(/^total\s+\$\d/m);
    const json = await consortium(["estimate", file, "--json"], { env: noKeys() });
    const parsed = JSON.parse(json.stdout) as { worstUsd: number; typicalUsd: number };
    expect(parsed.worstUsd).toBeGreaterThan(parsed.typicalUsd);
    expect(ws.fake.requests).toHaveLength(0);
  });

  it("run --estimate and eval --estimate make no request and need no key", async () => {
    const file = write("priced2.yaml", priced.replace("name: priced", "name: priced2"));
    const run = await consortium(["run", file, "What is the capital of Australia?", "--estimate"], { env: noKeys() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("total");
    const suite = write(
      "suite.yaml",
      `name: s\ntargets: [priced2.yaml, {model: openai/gpt-4.1-mini}]\ncases:\n  - {id: a, prompt: hi, assert: [{type: llm-rubric, value: polite}]}\n`
    );
    const evaluated = await consortium(["eval", suite, "--estimate"], { env: noKeys() });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toContain("priced2");
    expect(evaluated.stdout).toContain("openai/gpt-4.1-mini");
    expect(ws.fake.requests).toHaveLength(0);
  });

  it("an estimate needs no prompt, and estimate takes an ad-hoc consortium as run does", async () => {
    const file = write("priced3.yaml", priced.replace("name: priced", "name: priced3"));
    const adHoc = ["-m", "openai/gpt-4.1-mini:2", "--arbiter", "anthropic/claude-haiku-4-5"];
    for (const args of [
      ["run", file, "--estimate"],
      ["run", ...adHoc, "--estimate"],
      ["estimate", ...adHoc],
      ["estimate", file, "--max-iterations", "1"]
    ]) {
      const result = await consortium(args, { env: noKeys() });
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      expect(result.stdout, args.join(" ")).toContain("a prompt of about 500 tokens");
      expect(result.stdout, args.join(" ")).toMatch(/^total\s+\$\d/m);
    }
    // the flags are laid over the file as run lays them: one round at most costs less at worst than two
    const worst = async (...extra: Array<string>) =>
      (
        JSON.parse((await consortium(["estimate", file, "--json", ...extra], { env: noKeys() })).stdout) as {
          worstUsd: number;
        }
      ).worstUsd;
    expect(await worst("--max-iterations", "1")).toBeLessThan(await worst());
    const none = await consortium(["estimate"], { env: noKeys() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--arbiter");
    expect(ws.fake.requests).toHaveLength(0);
  });

  it("refuses --max-cost when a model has no price, and warns once about unpriced models", async () => {
    const file = write(
      "unpriced.yaml",
      `name: unpriced\nmembers: [openai/some-new-model]\narbiter: openai/gpt-4.1-mini\n`
    );
    const refused = await consortium(["run", file, "hi", "--max-cost", "0.5"], { env: noKeys() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--max-cost needs a price for every model");
    expect(refused.stderr).toContain("openai/some-new-model");
    expect(refused.stderr).not.toMatch(STACK_FRAME);
    expect(ws.fake.requests).toHaveLength(0);

    ws.fake.script("some-new-model", { text: "Canberra." });
    ws.fake.script("gpt-4.1-mini", {
      text: confidentReply("Canberra.")
    });
    const ran = await consortium(["run", file, "hi", "--json", "--no-log"], {
      env: ws.env({ OPENAI_API_KEY: "sk-test-cost" })
    });
    expect(ran.code, ran.stderr).toBe(0);
    const usage = (JSON.parse(ran.stdout) as { usage: { costComplete: boolean; unpricedModels: Array<string> } }).usage;
    expect(usage).toMatchObject({ costComplete: false, unpricedModels: ["openai/some-new-model"] });
    expect(ran.stderr.match(/no price for openai\/some-new-model/g)).toHaveLength(1);
  });

  it("a --max-cost the first round does not fit: one line with the limit, what was spent and what the round needed", async () => {
    const file = write("priced3.yaml", priced.replace("name: priced", "name: priced3"));
    const run = await consortium(["run", file, "hi", "--max-cost", "0.0001", "--no-log"], {
      env: ws.env({ OPENAI_API_KEY: "sk-test-cost", ANTHROPIC_API_KEY: "sk-test-cost" })
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(
      /^run \S+ failed: budget of \$0\.0001 reached \(\$0\.00 spent; the next round could cost up to \$0\.\d{4}, so it needs a limit of at least \$0\.\d{4}\)$/
    );
    expect(ws.fake.requests).toHaveLength(0);
  });
});
