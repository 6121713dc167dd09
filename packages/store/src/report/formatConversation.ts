import { oneLine } from "@consortium/engine";
import type { StoredRun } from "../types.js";
import { formatTime } from "./text.js";

// The conversation a run belongs to, for `consortium show`: one line per turn, this run marked.
// Nothing for a run that is alone in its conversation, so a plain run shows as before.

export const formatConversation = (run: StoredRun): ReadonlyArray<string> => {
  if (run.conversation.length <= 1) return [];
  return [
    "",
    `Conversation ${run.conversationId} (${run.conversation.length} turns; continue it with run --continue <id>)`,
    ...run.conversation.map((turn, index) => {
      const mark = turn.runId === run.id ? "*" : " ";
      return `${mark} ${String(index + 1).padStart(2)}. ${turn.runId}  ${turn.status.padEnd(11)} ${formatTime(turn.startedAt)}  ${oneLine(turn.prompt, 60)}`;
    })
  ];
};
