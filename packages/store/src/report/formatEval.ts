import type { StoredEval } from "../types.js";

// A sharded eval is whole once every shard has ended; until then `show <eval-id>` says which shards
// are missing or still running. These are those lines (none for an eval of one shard that ended).

const shardLabel = (index: number, count: number): string => `${index}/${count}`;

/** An eval whose id its only shard made up (no --eval-id to share): the others can never join it. */
const unjoinable = (stored: StoredEval): boolean =>
  typeof stored.config === "object" &&
  stored.config !== null &&
  (stored.config as { joinable?: unknown }).joinable === false;

export const shardLines = (stored: StoredEval): ReadonlyArray<string> => {
  const count = Math.max(1, ...stored.shards.map((shard) => shard.count));
  if (count === 1 && stored.missingShards.length === 0) return [];
  const ended = stored.shards.filter((shard) => shard.status !== "running").length;
  const lines = [`shards: ${ended} of ${count} ended`];
  for (const shard of stored.shards.filter((one) => one.status === "running")) {
    lines.push(`  shard ${shardLabel(shard.index, shard.count)} still running (pid ${shard.pid} on ${shard.hostname})`);
  }
  if (stored.missingShards.length > 0) {
    lines.push(
      `  missing: shard ${stored.missingShards.map((index) => shardLabel(index, count)).join(", ")} never started here${unjoinable(stored) ? ", and cannot join: this shard ran without a shared --eval-id" : ""}`
    );
  }
  return lines;
};
