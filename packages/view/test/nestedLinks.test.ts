import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderRunMain } from "../src/render/runPage.js";
import { storedRun, tempDir } from "./fixtures.js";

// A run of an included consortium and the outer run that asked for it point at each other on the run
// page: a link in the viewer, the id to `consortium show` in a self-contained file.

const temp = tempDir();
afterAll(() => temp.cleanup());

const stored = storedRun(join(temp.dir, "nested.db"), { runId: "RUNMID", prompt: "What?" });

const nestedPair = async () => {
  const run = await stored;
  return {
    ...run,
    outerRunId: "RUNOUTER",
    calls: run.calls.map((call, index) => (index === 0 ? { ...call, innerRunId: "RUNINNER" } : call))
  };
};

describe("nested runs on the run page", () => {
  it("links the inner run from the member's answer and the outer run from the header, in the viewer", async () => {
    const markup = renderRunMain(await nestedPair(), { mode: "server" }).value;
    const firstCard = markup.slice(markup.indexOf('<article class="card answer'), markup.indexOf("</article>"));
    expect(firstCard).toContain('answered by run <a href="/runs/RUNINNER">RUNINNER</a>');
    expect(markup).toContain('member of run <a href="/runs/RUNOUTER">RUNOUTER</a>');
  });

  it("names the runs without links in a self-contained file", async () => {
    const markup = renderRunMain(await nestedPair(), { mode: "file" }).value;
    expect(markup).toContain("answered by run RUNINNER (consortium show RUNINNER)");
    expect(markup).toContain("member of run RUNOUTER (consortium show RUNOUTER)");
    expect(markup).not.toContain('href="/runs/');
  });
});
