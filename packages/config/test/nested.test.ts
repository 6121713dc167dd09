import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@effect/vitest";
import { Effect, Either } from "effect";
import { parseConsortium } from "../src/consortium.js";
import { loadConsortiumFile } from "../src/consortiumFile.js";
import { formatConfigError } from "../src/format.js";

const folder = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), "nested-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

const consortium = (name: string, members: string): string =>
  `name: ${name}\nmembers:\n${members}arbiter: openai/judge\n`;

const failure = (path: string) =>
  Effect.map(Effect.flip(loadConsortiumFile(path)), (error) => formatConfigError(error));

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

describe("nested consortia", () => {
  it.effect("the ready example includes the council by name", () =>
    Effect.gen(function* () {
      const config = yield* loadConsortiumFile(repo("consortia/panel-of-panels.yaml"));
      expect(config.members[1]?.consortium?.config?.name).toBe("council");
      expect(config.members[1]?.consortium?.config?.judging).toBe("peer-review");
    })
  );

  it.effect("a member may be a whole consortium, by name (a sibling file) or by path", () =>
    Effect.gen(function* () {
      const dir = folder({
        "outer.yaml": consortium(
          "outer",
          "  - openai/a\n  - consortium: inner\n    count: 2\n  - consortium: ./leaf.yaml\n"
        ),
        "inner.yaml": consortium("inner", "  - openai/b:2\n"),
        "leaf.yaml": consortium("leaf", "  - openai/c\n")
      });
      const config = yield* loadConsortiumFile(join(dir, "outer.yaml"));
      expect(config.members.map((m) => [m.provider, m.model, m.count])).toEqual([
        ["openai", "a", 1],
        ["consortium", "inner", 2],
        ["consortium", "./leaf.yaml", 1]
      ]);
      expect(config.members[1]?.consortium?.config?.name).toBe("inner");
      expect(config.members[1]?.consortium?.config?.members[0]?.count).toBe(2);
      expect(config.members[2]?.consortium?.config?.source).toBe(join(dir, "leaf.yaml"));
    })
  );

  it.effect("a two-file cycle is an error at the member that closes it, naming the chain", () =>
    Effect.gen(function* () {
      const dir = folder({
        "a.yaml": consortium("a", "  - openai/x\n  - consortium: b\n"),
        "b.yaml": consortium("b", "  - consortium: a.yaml\n")
      });
      const message = yield* failure(join(dir, "a.yaml"));
      expect(message).toMatch(/b\.yaml:3:17: \/members\/0\/consortium includes a consortium that includes this one/);
      expect(message).toContain(`${join(dir, "a.yaml")} → ${join(dir, "b.yaml")} → ${join(dir, "a.yaml")}`);
    })
  );

  it.effect("a file including itself is a cycle too", () =>
    Effect.gen(function* () {
      const dir = folder({ "self.yaml": consortium("self", "  - consortium: self\n") });
      expect(yield* failure(join(dir, "self.yaml"))).toMatch(
        /self\.yaml:3:17: .*a cycle: .*self\.yaml → .*self\.yaml$/
      );
    })
  );

  it.effect("three levels of nesting load; a fourth is an error naming the chain", () =>
    Effect.gen(function* () {
      const files = {
        "l0.yaml": consortium("l0", "  - consortium: l1\n"),
        "l1.yaml": consortium("l1", "  - consortium: l2\n"),
        "l2.yaml": consortium("l2", "  - consortium: l3\n"),
        "l3.yaml": consortium("l3", "  - openai/x\n")
      };
      const ok = folder(files);
      const top = yield* loadConsortiumFile(join(ok, "l0.yaml"));
      const l3 = top.members[0]?.consortium?.config?.members[0]?.consortium?.config?.members[0]?.consortium?.config;
      expect(l3?.name).toBe("l3");
      const deep = folder({
        ...files,
        "l3.yaml": consortium("l3", "  - consortium: l4\n"),
        "l4.yaml": files["l3.yaml"]
      });
      const message = yield* failure(join(deep, "l0.yaml"));
      expect(message).toMatch(/l3\.yaml:3:17: \/members\/0\/consortium nests consortia deeper than 3 levels: /);
      expect(message).toContain("l0.yaml → ");
      expect(message).toMatch(/l4\.yaml$/);
    })
  );

  it.effect("a missing or invalid included file is reported, with the inner file's own positions", () =>
    Effect.gen(function* () {
      const dir = folder({
        "outer.yaml": consortium("outer", "  - consortium: nowhere\n  - consortium: bad.yaml\n"),
        "bad.yaml": consortium("bad", "  - openai/x:0\n")
      });
      const message = yield* failure(join(dir, "outer.yaml"));
      expect(message).toMatch(/outer\.yaml:3:17: \/members\/0\/consortium names no consortium file: /);
      expect(message).toMatch(/bad\.yaml:3:5: \/members\/0 /);
    })
  );

  it.effect("a budget needs a price for the included consortia's models too", () =>
    Effect.gen(function* () {
      const priced =
        "providers:\n  openai:\n    prices:\n      judge: {input: 1, output: 1}\n      a: {input: 1, output: 1}\n";
      const dir = folder({
        "outer.yaml": `${consortium("outer", "  - openai/a\n  - consortium: inner\n")}limits:\n  budget_usd: 1\n${priced}`,
        "inner.yaml": consortium("inner", "  - openai/unpriced\n")
      });
      const message = yield* failure(join(dir, "outer.yaml"));
      expect(message).toMatch(/outer\.yaml:7:15: \/limits\/budget_usd needs a price for every model it pays for/);
      expect(message).toContain("openai/unpriced");
      expect(message).not.toContain("openai/a,");
    })
  );

  it("the schema takes {consortium, count} and nothing else in that form", () => {
    const ok = parseConsortium(consortium("p", "  - consortium: inner\n    count: 2\n"), "p.yaml");
    expect(Either.isRight(ok)).toBe(true);
    const bad = parseConsortium(
      consortium("p", "  - consortium: inner\n    count: 0\n    model: openai/x\n"),
      "p.yaml"
    );
    expect(Either.isLeft(bad) && formatConfigError(bad.left)).toBe(
      "p.yaml:3:5: /members/0/consortium is not allowed\np.yaml:4:12: /members/0/count must be >= 1"
    );
  });
  describe("an included file stays inside the outermost file's folder (or the working directory)", () => {
    // A consortium file may come from someone else (a pull request): a reference to ../../secret or to
    // /etc/passwd would have the loader read that file and quote its lines in a parse error.
    const secret = "SECRET-LINE-4c1d: not yaml at all {[";
    const setup = () => {
      const root = mkdtempSync(join(tmpdir(), "nested-confine-"));
      writeFileSync(join(root, "secret.txt"), `${secret}\n`);
      mkdirSync(join(root, "project"));
      symlinkSync(join(root, "secret.txt"), join(root, "project", "link.yaml"));
      return root;
    };

    it.effect("a path that climbs out is refused without reading it", () =>
      Effect.gen(function* () {
        const root = setup();
        const outer = join(root, "project", "outer.yaml");
        writeFileSync(outer, consortium("outer", "  - consortium: ../secret.txt\n"));
        const message = yield* failure(outer);
        expect(message).toMatch(/outer\.yaml:3:17: \/members\/0\/consortium is outside the folder of .*outer\.yaml/);
        expect(message).not.toContain("SECRET-LINE");
      })
    );

    it.effect("an absolute path elsewhere, and a link pointing out, are refused too", () =>
      Effect.gen(function* () {
        const root = setup();
        const outer = join(root, "project", "outer.yaml");
        writeFileSync(
          outer,
          consortium("outer", `  - consortium: ${join(root, "secret.txt")}\n  - consortium: ./link.yaml\n`)
        );
        const message = yield* failure(outer);
        expect(message).toMatch(/outer\.yaml:3:17: .*is outside the folder/);
        expect(message).toMatch(/outer\.yaml:4:17: .*is outside the folder/);
        expect(message).not.toContain("SECRET-LINE");
      })
    );

    it.effect("a file in a subfolder may include a sibling of the outermost file", () =>
      Effect.gen(function* () {
        const root = setup();
        mkdirSync(join(root, "project", "panels"));
        writeFileSync(join(root, "project", "leaf.yaml"), consortium("leaf", "  - openai/c\n"));
        writeFileSync(join(root, "project", "panels", "mid.yaml"), consortium("mid", "  - consortium: ../leaf.yaml\n"));
        const outer = join(root, "project", "outer.yaml");
        writeFileSync(outer, consortium("outer", "  - consortium: panels/mid.yaml\n"));
        const config = yield* loadConsortiumFile(outer);
        expect(config.members[0]?.consortium?.config?.members[0]?.consortium?.config?.name).toBe("leaf");
      })
    );
  });
});
