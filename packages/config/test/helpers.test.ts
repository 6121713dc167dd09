import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, detectFileKind, formatConfigError, formatIssue, resolveConsortiumPath } from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import * as fc from "fast-check";
import { parseCsv } from "../src/csv.js";

describe("formatIssue", () => {
  it("renders file:line:col: path message, leaving out what is unknown", () => {
    const issue = {
      file: "consortia/bad.yaml",
      line: 7,
      column: 12,
      path: "/members/1/count",
      message: "must be >= 1"
    };
    expect(formatIssue(issue)).toBe("consortia/bad.yaml:7:12: /members/1/count must be >= 1");
    expect(formatIssue({ ...issue, path: "" })).toBe("consortia/bad.yaml:7:12: must be >= 1");
    expect(formatIssue({ ...issue, line: 0, column: 0 })).toBe("consortia/bad.yaml: /members/1/count must be >= 1");
    const error = new ConfigError({ file: "a.yaml", issues: [issue, { ...issue, line: 8 }] });
    expect(formatConfigError(error).split("\n")).toHaveLength(2);
    expect(formatConfigError(new ConfigError({ file: "a.yaml", issues: [] }))).toBe("a.yaml: invalid");
  });
});

describe("detectFileKind", () => {
  it("tells consortium from suite by the schema comment, a $schema key, or the keys", () => {
    expect(detectFileKind("# yaml-language-server: $schema=../schemas/suite.schema.json\nname: x\nmembers: []\n")).toBe(
      "suite"
    );
    expect(detectFileKind("# yaml-language-server: $schema=./consortium.schema.json\ncases: []\n")).toBe("consortium");
    expect(detectFileKind('$schema: "https://x/suite.schema.json"\nmembers: []\n')).toBe("suite");
    expect(detectFileKind("name: x\nmembers: [gpt-4.1]\n")).toBe("consortium");
    expect(detectFileKind("name: x\narbiter: gpt-4.1\n")).toBe("consortium");
    expect(detectFileKind("name: x\ncases: []\n")).toBe("suite");
    expect(detectFileKind("name: x\n")).toBeUndefined();
    expect(detectFileKind("[unclosed")).toBeUndefined();
    expect(detectFileKind({ targets: [] })).toBe("suite");
    expect(detectFileKind(42)).toBeUndefined();
  });
});

describe("resolveConsortiumPath", () => {
  it("resolves a name under consortia/ (.yaml, else .yml) and a path against cwd", () => {
    const cwd = mkdtempSync(join(tmpdir(), "consortium-resolve-"));
    mkdirSync(join(cwd, "consortia"));
    writeFileSync(join(cwd, "consortia", "only-yml.yml"), "");
    expect(resolveConsortiumPath("research", cwd)).toBe(join(cwd, "consortia/research.yaml"));
    expect(resolveConsortiumPath("only-yml", cwd)).toBe(join(cwd, "consortia/only-yml.yml"));
    expect(resolveConsortiumPath("my.yaml", cwd)).toBe(join(cwd, "my.yaml"));
    expect(resolveConsortiumPath("sub/x", cwd)).toBe(join(cwd, "sub/x"));
    expect(resolveConsortiumPath("/abs/x.yaml", cwd)).toBe("/abs/x.yaml");
  });
});

describe("parseCsv", () => {
  it("keeps quoted separators, doubled quotes, line breaks and each cell's position", () => {
    const parsed = parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rows.map((row) => row.map((cell) => cell.text))).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["multi\nline", ""]
    ]);
    expect(parsed.rows[1]![1]).toEqual({ text: 'say "hi"', line: 2, column: 8 });
    expect(parsed.rows[2]![1]).toMatchObject({ line: 4, column: 7 });
  });

  it("reports an unclosed quote where it starts", () => {
    expect(parseCsv('a\n"open')).toEqual({ ok: false, line: 2, column: 1, message: "a quoted field is never closed" });
  });

  it("round-trips any table written with quoting", () => {
    const cell = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((row) => row.map((value) => `"${value.replaceAll('"', '""')}"`).join(",")).join("\n");
        const parsed = parseCsv(text);
        expect(parsed.ok && parsed.rows.map((row) => row.map((c) => c.text))).toEqual(rows);
      })
    );
  });
});
