import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatConfigError, loadSuiteFile } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";

// A suite's case files stay inside its folder unless the user says otherwise, and an error about a
// file that is not a case file quotes only a short excerpt of it.

const root = mkdtempSync(join(tmpdir(), "consortium-confine-"));
const suiteDir = join(root, "suites", "nested");
mkdirSync(suiteDir, { recursive: true });
mkdirSync(join(suiteDir, "cases"));

const SECRET_LINE = "root:x:0:0:a-secret-that-must-never-be-printed-in-full:/root:/bin/bash";
// a stand-in for /etc/passwd: long lines the loader must not echo
const secretFile = join(root, "passwd");
writeFileSync(secretFile, `${Array.from({ length: 200 }, () => SECRET_LINE).join("\n")}\n`);
writeFileSync(join(root, "outside.csv"), "prompt\nhello\n");
writeFileSync(join(suiteDir, "cases", "inside.csv"), "prompt\nhello\n");
symlinkSync(secretFile, join(suiteDir, "cases", "linked.csv"));
symlinkSync(secretFile, join(suiteDir, "cases", "linked.jsonl"));

const suite = (name: string, caseFile: string): string => {
  const path = join(suiteDir, name);
  writeFileSync(path, `name: s\ntargets: [{model: openai/gpt-4.1-mini}]\ncases:\n  - file: ${caseFile}\n`);
  return path;
};

const errorText = (path: string, allowOutside = false) =>
  Effect.flip(loadSuiteFile(path, { allowOutside })).pipe(Effect.map(formatConfigError));

describe("case files stay in the suite's folder", () => {
  it.effect("a case file in a subfolder loads", () =>
    Effect.map(loadSuiteFile(suite("inside.yaml", "cases/inside.csv")), (loaded) => {
      expect(loaded.cases).toHaveLength(1);
    })
  );

  it.effect("../ out of the folder is refused, at the file entry, unless allowed", () =>
    Effect.gen(function* () {
      const path = suite("dotdot.yaml", "../../outside.csv");
      expect(yield* errorText(path)).toMatch(
        /dotdot\.yaml:4:\d+: \/cases\/0\/file is outside the suite's folder.*--allow-outside/
      );
      const allowed = yield* loadSuiteFile(path, { allowOutside: true });
      expect(allowed.cases).toHaveLength(1);
    })
  );

  it.effect("an absolute path outside the folder is refused", () =>
    Effect.map(errorText(suite("absolute.yaml", join(root, "outside.csv"))), (text) => {
      expect(text).toContain("is outside the suite's folder");
    })
  );

  it.effect("a symlink inside the folder that points outside is refused, and nothing of its target is quoted", () =>
    Effect.gen(function* () {
      for (const name of ["linked.csv", "linked.jsonl"]) {
        const text = yield* errorText(suite(`link-${name}.yaml`, `cases/${name}`));
        expect(text).toContain("is outside the suite's folder");
        expect(text).not.toContain("root:x");
      }
    })
  );

  it.effect(
    "allowed, a file that is no case file is quoted by short excerpts only, and a bounded number of times",
    () =>
      Effect.gen(function* () {
        for (const name of ["linked.csv", "linked.jsonl"]) {
          const text = yield* errorText(suite(`allowed-${name}.yaml`, `cases/${name}`), true);
          expect(text).not.toContain("a-secret-that-must-never-be-printed-in-full");
          expect(text.split("\n").length).toBeLessThanOrEqual(21);
          expect(text.length).toBeLessThan(21 * 200);
        }
      })
  );
});
