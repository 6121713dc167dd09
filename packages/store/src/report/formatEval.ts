import { asEvalReport, renderTable } from "@consortium/eval";
import type { StoredEval } from "../types.js";

// `consortium show <eval-id>`: an eval as stored, whole or not. A sharded eval is whole once every
// shard has ended; until then say which shards are missing or still running, and what is in so far.

const shardLabel = (index: number, count: number): string => `${index}/${count}`;

export const formatEval = (stored: StoredEval): string => {
  const count = Math.max(1, ...stored.shards.map((shard) => shard.count));
  const lines = [`eval ${stored.id}  suite ${stored.suite}  ${stored.status}`];
  if (count > 1 || stored.missingShards.length > 0) {
    const ended = stored.shards.filter((shard) => shard.status !== "running").length;
    lines.push(`shards: ${ended} of ${count} ended`);
    for (const shard of stored.shards.filter((one) => one.status === "running")) {
      lines.push(
        `  shard ${shardLabel(shard.index, shard.count)} still running (pid ${shard.pid} on ${shard.hostname})`
      );
    }
    if (stored.missingShards.length > 0) {
      lines.push(
        `  missing: shard ${stored.missingShards.map((index) => shardLabel(index, count)).join(", ")} never started here`
      );
    }
  }
  const report = stored.status === "running" ? undefined : asEvalReport(stored.summary);
  if (report !== undefined) {
    lines.push("", renderTable(report, { color: false }).trimEnd());
  } else {
    const passed = stored.results.filter((result) => result.passed).length;
    lines.push(`results so far: ${stored.results.length} (${passed} passed)`);
  }
  return lines.join("\n");
};
