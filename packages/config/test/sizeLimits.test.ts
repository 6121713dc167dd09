import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatConfigError, loadConsortiumFile, loadSuiteFile, parseConsortium } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";
import * as Either from "effect/Either";

// A consortium's size is bounded where it is read: too many member instances is a located
// validation error (raise limits.max_instances to allow more), and a huge file is refused before it is
// parsed, so neither can run a machine out of memory.

const dir = mkdtempSync(join(tmpdir(), "config-size-"));
const crowd = (count: number, extra = "") =>
  `name: crowd\nmembers: [openai/m:${count}]\narbiter: openai/judge\n${extra}`;

describe("member instances", () => {
  it("up to the default of 256 instances is valid; one more is an error at the members", () => {
    expect(Either.isRight(parseConsortium(crowd(256), "c.yaml"))).toBe(true);
    const result = parseConsortium(crowd(257), "c.yaml");
    expect(Either.isLeft(result) && formatConfigError(result.left)).toBe(
      "c.yaml:2:10: /members add up to 257 instances, more than limits.max_instances (256): raise it to run that many"
    );
  });

  it("limits.max_instances raises (or lowers) the bound", () => {
    expect(Either.isRight(parseConsortium(crowd(2000, "limits: {max_instances: 2000}\n"), "c.yaml"))).toBe(true);
    expect(Either.isLeft(parseConsortium(crowd(3, "limits: {max_instances: 2}\n"), "c.yaml"))).toBe(true);
  });

  it("a list of many members is counted the same way", () => {
    const members = Array.from({ length: 300 }, (_, i) => `openai/m${i}`).join(", ");
    const result = parseConsortium(`name: crowd\nmembers: [${members}]\narbiter: openai/judge\n`, "c.yaml");
    expect(Either.isLeft(result) && result.left.issues.map((issue) => issue.message)).toEqual([
      "add up to 300 instances, more than limits.max_instances (256): raise it to run that many"
    ]);
  });
});

describe("file size", () => {
  it.effect("a 50 MB consortium file listing a million members is refused before parsing, with its size", () =>
    Effect.gen(function* () {
      const file = join(dir, "huge.yaml");
      writeFileSync(
        file,
        `name: huge\narbiter: openai/judge\nmembers:\n${"  - openai/gpt-4.1-mini\n".repeat(2_100_000)}`
      );
      const error = yield* Effect.flip(loadConsortiumFile(file));
      expect(formatConfigError(error)).toMatch(
        /huge\.yaml: the file is 4\d\.\d MB; a consortium or suite file may be at most 2 MB/
      );
    })
  );

  it.effect("the same holds for a suite file", () =>
    Effect.gen(function* () {
      const file = join(dir, "huge.suite.yaml");
      writeFileSync(file, `name: huge\ntargets: [{model: openai/m}]\ncases:\n${"  - {prompt: hi}\n".repeat(200_000)}`);
      const error = yield* Effect.flip(loadSuiteFile(file));
      expect(formatConfigError(error)).toMatch(/may be at most 2 MB/);
    })
  );
});
