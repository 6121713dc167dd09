import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeCatalog } from "../src/catalog.js";

// Two files naming the same consortium: serve and mcp offer the one `consortium run <name>` opens
// (`<name>.yaml`), whatever the folder's order, and say which file they leave out.

const consortium = (iterations: number) =>
  `name: lay\nmembers: [openai/a]\narbiter: openai/judge\nmax_iterations: ${iterations}\n`;

describe("the catalog", () => {
  it("serves <name>.yaml for a name a file sorting before it also claims, and warns about the other", async () => {
    const dir = mkdtempSync(join(tmpdir(), "consortium-catalog-"));
    writeFileSync(join(dir, "lay.yaml"), consortium(2));
    writeFileSync(join(dir, "lay-copy.yaml"), consortium(1));
    const warnings: Array<string> = [];
    const catalog = makeCatalog(dir, (line) => warnings.push(line));
    const lay = await catalog.find("lay");
    expect(lay?.source).toBe(join(dir, "lay.yaml"));
    expect(lay?.maxIterations).toBe(2);
    expect((await catalog.all()).map((config) => config.name)).toEqual(["lay"]);
    expect(warnings).toEqual([
      `skipping ${join(dir, "lay-copy.yaml")}: the name lay is already used by ${join(dir, "lay.yaml")}`
    ]);
  });
});
