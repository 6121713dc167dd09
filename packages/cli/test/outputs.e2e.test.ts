import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { consortium, STACK_FRAME } from "./binary.js";
import { confidentReply, useFakeWorkspace } from "./workspace.js";

// A report path that cannot be written is found before any model call: found afterwards, every call's
// cost was spent on a report that is never written.

const ws = useFakeWorkspace("outputs");
let file: string;
let suite: string;

beforeAll(() => {
  file = ws.writeConsortium("duo", "members: [openai/m]\narbiter: openai/judge\n");
  suite = ws.write(
    "suite.yaml",
    "name: s\ntargets: [{model: openai/solo}]\ncases:\n  - {id: a, prompt: Capital?, assert: [{type: contains, value: Canberra}]}\n"
  );
  mkdirSync(join(ws.dir, "folder"));
});

const cli = (args: ReadonlyArray<string>) => consortium(args, { env: ws.env({ CONSORTIUM_DB: join(ws.dir, "db") }) });

describe("report paths are checked before any call", () => {
  it.each([
    ["run -o under /proc", () => ["run", file, "hi", "-o", "/proc/consortium-x.json"], "/proc/consortium-x.json"],
    ["run -o a folder", () => ["run", file, "hi", "-o", join(ws.dir, "folder")], "it is a folder"],
    ["run -o in a missing folder", () => ["run", file, "hi", "-o", join(ws.dir, "no", "x.json")], "ENOENT"],
    ["eval --junit under /proc", () => ["eval", suite, "--junit", "/proc/consortium-x.xml"], "/proc/consortium-x.xml"],
    ["eval -o a folder", () => ["eval", suite, "-o", join(ws.dir, "folder")], "it is a folder"],
    ["eval --html in a missing folder", () => ["eval", suite, "--html", join(ws.dir, "no", "r.html")], "ENOENT"]
  ])("%s: exit 2, one line naming it, no usage hint, no call", async (_, args, message) => {
    ws.fake.script("judge", { text: confidentReply("Canberra.") });
    const result = await cli(args());
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("cannot write");
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain("--help");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(ws.fake.requests).toHaveLength(0);
  });

  it("the check leaves no file behind, and a file that was there as it was", async () => {
    const fresh = join(ws.dir, "fresh.json");
    const kept = ws.write("kept.json", "earlier");
    for (const output of [fresh, kept]) {
      // the key is missing: the run stops after the paths were checked, before any call
      const result = await consortium(["run", file, "hi", "-o", output], {
        env: ws.env({ CONSORTIUM_DB: join(ws.dir, "db"), OPENAI_API_KEY: "" })
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("OPENAI_API_KEY");
    }
    expect(existsSync(fresh)).toBe(false);
    expect(readFileSync(kept, "utf8")).toBe("earlier");
    expect(ws.fake.requests).toHaveLength(0);
  });
});
