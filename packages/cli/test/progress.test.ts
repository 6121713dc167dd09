import type { RunEvent } from "@consortium/engine";
import { describe, expect, it } from "vitest";
import { makeProgress } from "../src/run/progress.js";
import { detectStreams } from "../src/terminal.js";

// What stderr gets while a run is in progress: a display redrawn in place on a terminal that can move
// its cursor; plain lines, one per event and no escape sequence, on a dumb one (an editor's shell, a CI
// log viewer with a pty).

const events: ReadonlyArray<RunEvent> = [
  { _tag: "IterationStarted", runId: "r", iteration: 1 },
  { _tag: "CallStarted", runId: "r", iteration: 1, role: "member", label: "openai/m1#1", attempt: 1 },
  {
    _tag: "CallEnded",
    runId: "r",
    iteration: 1,
    role: "member",
    label: "openai/m1#1",
    latencyMs: 5,
    attempts: 1,
    error: null
  }
];

const drawn = (options: Parameters<typeof makeProgress>[1]): string => {
  let text = "";
  const progress = makeProgress((part) => {
    text += part;
  }, options);
  for (const event of events) progress.onEvent(event);
  progress.close();
  return text;
};

describe("the progress display", () => {
  it("on a terminal that can move its cursor, redraws the round's calls in place", () => {
    expect(drawn({ colors: true, live: true })).toContain("\u001b[");
  });

  it("on a dumb terminal, appends plain lines with no escape sequence", () => {
    const text = drawn({ colors: false, live: false });
    expect(text).not.toContain("\u001b");
    expect(text.split("\n").filter((line) => line.includes("openai/m1")).length).toBeGreaterThan(0);
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("detectStreams", () => {
  const terminals = { stdout: true, stderr: true };

  it("a terminal gets colours and the live display", () => {
    expect(detectStreams({ TERM: "xterm-256color" }, terminals)).toEqual({
      stdoutColors: true,
      stderrColors: true,
      stderrLive: true
    });
  });

  it("TERM=dumb gets neither colours nor the live display", () => {
    expect(detectStreams({ TERM: "dumb" }, terminals)).toEqual({
      stdoutColors: false,
      stderrColors: false,
      stderrLive: false
    });
  });

  it("NO_COLOR takes the colours, not the live display; a pipe gets neither", () => {
    expect(detectStreams({ NO_COLOR: "1" }, terminals)).toEqual({
      stdoutColors: false,
      stderrColors: false,
      stderrLive: true
    });
    expect(detectStreams({}, { stdout: false, stderr: false })).toEqual({
      stdoutColors: false,
      stderrColors: false,
      stderrLive: false
    });
  });
});
