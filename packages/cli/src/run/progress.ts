import { ansi, describeEvent, type RunEvent, safeText } from "@consortium/engine";

// The live display on a terminal's stderr: one line per call of the current round (started, done,
// retrying in 2s because 429, failed), redrawn in place, then the round's verdict. Only ever drawn
// when stderr is a terminal; pipes and CI logs get nothing but the final warnings. A dumb terminal
// (no cursor movement) gets the same lines appended, one per event, with no escape sequence.

export interface ProgressDisplay {
  readonly onEvent: (event: RunEvent) => void;
  /** Leaves the last drawing on screen and moves below it. */
  readonly close: () => void;
}

export interface ProgressOptions {
  readonly colors: boolean;
  /** false: append lines, never move the cursor or erase a line. */
  readonly live: boolean;
}

export const makeProgress = (write: (text: string) => void, options: ProgressOptions): ProgressDisplay => {
  const dim = (text: string): string => (options.colors ? ansi.dim(text) : text);
  const clear = options.live ? ansi.CLEAR_LINE : "";
  let lines = new Map<string, string>();
  let drawn = 0;

  const draw = (changed: string): void => {
    if (!options.live) {
      write(`${changed}\n`);
      return;
    }
    const block = [...lines.values()];
    write(ansi.cursorUp(drawn) + block.map((line) => `${ansi.CLEAR_LINE}${line}\n`).join(""));
    drawn = block.length;
  };
  const settle = (line: string): void => {
    // a finished round's lines stay; the next round draws below them
    write(`${clear}${line}\n`);
    lines = new Map();
    drawn = 0;
  };

  return {
    onEvent: (event) => {
      const described = describeEvent(event);
      if (described === undefined) return;
      // a failed call's reason is a provider's words, and may quote the model
      const text = safeText(described);
      switch (event._tag) {
        case "CallStarted":
        case "CallRetrying":
        case "CallEnded": {
          const line = `  ${event._tag === "CallEnded" ? text : dim(text)}`;
          lines.set(`${event.role}:${event.label}`, line);
          return draw(line);
        }
        case "IterationEnded":
          return settle(text);
        case "RunStarted":
        case "IterationStarted":
          return settle(dim(text));
        case "RunEnded":
          return;
      }
    },
    close: () => {
      lines = new Map();
      drawn = 0;
    }
  };
};
