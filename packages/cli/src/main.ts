// Process wiring only: the command tree is in Cli.ts. Loaded by bin.ts for everything but a lone --version.

import { stderrLogger } from "@consortium/engine/text";
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem";
import * as NodePath from "@effect/platform-node/NodePath";
import * as NodeRuntime from "@effect/platform-node/NodeRuntime";
import * as NodeTerminal from "@effect/platform-node/NodeTerminal";
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Layer from "effect/Layer";
import * as Logger from "effect/Logger";
import { runCli } from "./Cli.js";
import { ExitCode } from "./exitCode.js";
import { detectStreams, withStreams } from "./terminal.js";

declare const __CONSORTIUM_VERSION__: string;

const PlatformLive = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer);
// stdout carries only results: logs go to stderr
const LoggerLive = Logger.replace(Logger.defaultLogger, stderrLogger);

// A reader that went away (`consortium show x --json | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

runCli(process.argv, __CONSORTIUM_VERSION__).pipe(
  withStreams(detectStreams()),
  Effect.provide(Layer.merge(PlatformLive, LoggerLive)),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    // runMain's default maps every failure to 1 and a signal to 0; ours are 0/1/2 from runCli and 130
    teardown: (exit) => {
      const code = Exit.isSuccess(exit)
        ? (exit.value as ExitCode)
        : Cause.isInterruptedOnly(exit.cause)
          ? ExitCode.Interrupted
          : ExitCode.RunFailed;
      process.exitCode = code;
      // Every finalizer has run (the store flushed and closed, end marks written), so once stdout and
      // stderr have drained (a piped `--json` result past the pipe buffer must not be cut off) exit at
      // once: for a 0 runMain would wait for node to close idle sockets and tear the heap down.
      process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
    }
  })
);
