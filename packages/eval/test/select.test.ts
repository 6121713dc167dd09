import type { SuiteCase } from "@consortium/config";
import { Either } from "effect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inShard, parseFilter, parseShard, selectCases, shardOf } from "../src/runner/select.js";

const cases = (ids: ReadonlyArray<string>): ReadonlyArray<SuiteCase> =>
  ids.map((id) => ({ id, prompt: `prompt ${id}`, assert: [] }));

describe("shards", () => {
  it("split any set of cases with no overlap and no miss", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (ids, count) => {
        const suiteCases = cases(ids);
        const parts = Array.from({ length: count }, (_, i) =>
          selectCases(suiteCases, { shard: { index: i + 1, count } })
        );
        const seen = parts.flat().map((suiteCase) => suiteCase.id);
        expect([...seen].sort()).toEqual([...ids].sort());
        expect(new Set(seen).size).toBe(seen.length);
      })
    );
  });

  it("keep a case in its shard when other cases are added, removed or reordered", () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string()), fc.integer({ min: 1, max: 8 }), (id, others, count) => {
        const shard = shardOf(id, count);
        const shuffled = cases([...others, id].reverse());
        const selected = selectCases(shuffled, { shard: { index: shard, count } });
        expect(selected.some((suiteCase) => suiteCase.id === id)).toBe(true);
        expect(inShard(id, { index: shard, count })).toBe(true);
      })
    );
  });

  it("spread cases over shards (no shard left empty by a poor hash)", () => {
    const ids = Array.from({ length: 400 }, (_, i) => `case-${i}`);
    const sizes = [1, 2, 3, 4].map((index) => selectCases(cases(ids), { shard: { index, count: 4 } }).length);
    for (const size of sizes) expect(size).toBeGreaterThan(60);
  });

  it("parse i/n and reject nonsense", () => {
    expect(Either.getOrThrow(parseShard("2/4"))).toEqual({ index: 2, count: 4 });
    expect(Either.getOrThrow(parseShard(" 1 / 1 "))).toEqual({ index: 1, count: 1 });
    for (const bad of ["0/4", "5/4", "1/0", "a/b", "1", "-1/2", "1/2/3"]) {
      const parsed = parseShard(bad);
      expect(Either.isLeft(parsed), bad).toBe(true);
    }
  });
});

describe("filter", () => {
  it("keeps the cases whose id matches, then applies the shard", () => {
    const suiteCases = cases(["capital-au", "capital-fr", "math-1", "math-2"]);
    const filter = Either.getOrThrow(parseFilter("^capital"));
    expect(selectCases(suiteCases, { filter }).map((suiteCase) => suiteCase.id)).toEqual(["capital-au", "capital-fr"]);
    const both = [1, 2].flatMap((index) => selectCases(suiteCases, { filter, shard: { index, count: 2 } }));
    expect(both.map((suiteCase) => suiteCase.id).sort()).toEqual(["capital-au", "capital-fr"]);
  });

  it("rejects an invalid regex as bad input", () => {
    const parsed = parseFilter("(");
    expect(Either.isLeft(parsed) && parsed.left.option).toBe("--filter");
  });
});
