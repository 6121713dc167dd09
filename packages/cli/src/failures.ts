import type { ConfigError } from "@consortium/config";
import { Data } from "effect";

// Failures a command raises when the user, not the program, is at fault. Each has one rendering and
// one exit code in render.ts.

/**
 * A bad argument the parser could not catch, e.g. an unknown consortium name. Exit 2. `help: false`
 * when the message already says all there is (no "see --help" line after it).
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string; readonly help?: boolean }> {}

/** The code SilentExit carries: the command printed its own explanation. */
type PrintedExit = typeof import("./exitCode.js").ExitCode[keyof typeof import("./exitCode.js").ExitCode];

/** Files that failed validation; every issue of every file is printed. Exit 2. */
export class InvalidFiles extends Data.TaggedError("InvalidFiles")<{ readonly errors: ReadonlyArray<ConfigError> }> {}

/** The work ran but did not succeed (a run failed, an eval missed its threshold). Exit 1. */
export class RunFailed extends Data.TaggedError("RunFailed")<{ readonly message: string }> {}

/** The command already printed what the user needs; only the exit code remains. */
export class SilentExit extends Data.TaggedError("SilentExit")<{ readonly code: PrintedExit }> {}
