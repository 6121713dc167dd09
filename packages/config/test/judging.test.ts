import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Either } from "effect";
import { parseConsortium } from "../src/consortium.js";
import { loadConsortiumFile } from "../src/consortiumFile.js";
import { formatConfigError } from "../src/format.js";
import { splitRegexLiteral } from "../src/regexLiteral.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

const BASE = "name: j\nmembers: [openai/a:3]\narbiter: openai/judge\n";

describe("judging in consortium files", () => {
  it.effect("the ready examples load, one per method", () =>
    Effect.gen(function* () {
      expect((yield* loadConsortiumFile(repo("consortia/research.yaml"))).judging).toBeUndefined();
      expect((yield* loadConsortiumFile(repo("consortia/code-select.yaml"))).judging).toBe("select");
      expect((yield* loadConsortiumFile(repo("consortia/council.yaml"))).judging).toBe("peer-review");
      const vote = yield* loadConsortiumFile(repo("consortia/vote.yaml"));
      expect(vote.judging).toBe("vote");
      const { pattern, flags } = splitRegexLiteral(vote.vote?.extract ?? "");
      expect(new RegExp(pattern, flags).exec("Let me see.\nAnswer: 42\n")?.[1]).toBe("42");
    })
  );

  it("a file that names no method keeps the config it had before methods existed", () => {
    const config = Either.getOrThrow(parseConsortium(BASE, "j.yaml"));
    expect(Object.keys(config)).not.toContain("judging");
    expect(Object.keys(config)).not.toContain("vote");
    expect(Object.keys(config.prompts)).toEqual(["member", "refine", "arbiter"]);
  });

  it("{{ranking}} is for peer-review's arbiter only, and every problem is reported with its position", () => {
    const ok = parseConsortium(
      `${BASE}judging: peer-review\nprompts: {arbiter: "{{responses}} {{ranking}}"}\n`,
      "p.yaml"
    );
    expect(Either.isRight(ok)).toBe(true);
    const bad = parseConsortium(
      `${BASE}judging: select\nprompts:\n  arbiter: "{{responses}} {{ranking}}"\n  review: "{{prompt}} {{history}}"\n`,
      "s.yaml"
    );
    expect(Either.isLeft(bad) && formatConfigError(bad.left)).toMatch(
      /s\.yaml:6:27: \/prompts\/arbiter uses unknown placeholder \{\{ranking\}\}[^\n]*\(\{\{ranking\}\} only under judging: peer-review\)\ns\.yaml:7:23: \/prompts\/review uses unknown placeholder \{\{history\}\}/
    );
  });

  it("vote.extract must be a /regex/flags that compiles", () => {
    const notLiteral = parseConsortium(`${BASE}judging: vote\nvote: {extract: "answer"}\n`, "v.yaml");
    expect(Either.isLeft(notLiteral) && formatConfigError(notLiteral.left)).toContain(
      "v.yaml:5:17: /vote/extract must be a /regex/flags literal"
    );
  });
});
