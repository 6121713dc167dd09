import type { ConsortiumConfig } from "@consortium/config";
import { Context, Effect, Layer } from "effect";
import type { CallRole } from "./callRole.js";
import type { ConversationLink } from "./conversation.js";
import type { NestedLink } from "./nestedMember.js";
import type { CallErrorInfo, RunResult, RunStatus, Usage } from "./result.js";

// How a run is recorded as it happens. The engine asks for this service; the store implements it
// with SQLite, `--no-log` and tests use `RunLog.none`. Each method is called when its event ends, so
// an interrupted run keeps everything that finished before it.

export interface RunStarted {
  readonly runId: string;
  readonly config: ConsortiumConfig;
  readonly prompt: string;
  readonly startedAt: string;
  /** Set when the run continues a conversation; a run without it starts its own. */
  readonly conversation?: ConversationLink;
  /** Who asked for the run when it was not the CLI's `run`, e.g. "serve" or "mcp". */
  readonly origin?: string;
  /** Set when the run answers as a member of another run (an included consortium). */
  readonly nestedIn?: NestedLink;
}

export interface CallRecord {
  readonly runId: string;
  readonly iteration: number;
  readonly role: CallRole;
  readonly provider: string;
  readonly model: string;
  /** member or reviewer instance (1-based); for the arbiter, 0 for the main model and n for the n-th fallback */
  readonly instance: number;
  /** The request as sent: messages, system, parameters. Never a key or header. */
  readonly request: unknown;
  readonly text: string | null;
  /** Arbiter calls only: the parsed fields (synthesis, confidence, ...). */
  readonly parsed: unknown;
  readonly usage: Usage;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly error: CallErrorInfo | null;
  readonly startedAt: string;
  readonly endedAt: string;
  /** A member that is a whole consortium: the run that answered. */
  readonly innerRunId?: string;
  /** Which answering layer (1-based) a member call belongs to, when the consortium has layers. */
  readonly layer?: number;
}

export interface RunEnded {
  readonly runId: string;
  readonly status: RunStatus;
  readonly result: RunResult;
}

export class RunLog extends Context.Tag("@consortium/engine/RunLog")<
  RunLog,
  {
    readonly runStarted: (run: RunStarted) => Effect.Effect<void>;
    readonly callEnded: (call: CallRecord) => Effect.Effect<void>;
    readonly runEnded: (run: RunEnded) => Effect.Effect<void>;
  }
>() {
  /** Records nothing: `--no-log`, and tests that don't look at the log. */
  static readonly none = Layer.succeed(RunLog, {
    runStarted: () => Effect.void,
    callEnded: () => Effect.void,
    runEnded: () => Effect.void
  });
}
