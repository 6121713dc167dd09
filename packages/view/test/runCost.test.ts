import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderRunsMain } from "../src/render/lists.js";
import { renderRunMain } from "../src/render/runPage.js";
import { storedRun, tempDir, withStore } from "./fixtures.js";

// A run still going shows what its finished calls cost so far, said to be so far, on its page and in
// the runs list; once it ends, its own total, with nothing said of "so far".

const temp = tempDir();
afterAll(() => temp.cleanup());

const totals = (markup: string): string => markup.match(/<dt>totals<\/dt><dd>([^<]*)<\/dd>/)?.[1] ?? "";

describe("the cost of a run still going", () => {
  it("is the finished calls' cost so far on the run page and in the list", async () => {
    const db = join(temp.dir, "live.db");
    // one round: members priced at $0.0001 and $0.0002, the Anthropic member unpriced
    const going = await storedRun(db, { runId: "GOING", status: "running", rounds: 1 });
    expect(totals(renderRunMain(going, { mode: "server" }).value)).toMatch(
      /\$0\.0003 so far \(incomplete: some calls had no price\)/
    );
    const listed = await withStore(db, (store) => store.listRuns());
    expect(renderRunsMain(listed, {}, null).value).toContain("≥$0.0003 so far");

    const ended = await storedRun(join(temp.dir, "ended.db"), { runId: "ENDED", rounds: 1 });
    expect(totals(renderRunMain(ended, { mode: "server" }).value)).not.toContain("so far");
  });
});
