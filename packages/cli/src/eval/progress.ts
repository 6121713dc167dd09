import { ansi } from "@consortium/engine/text";

// An eval's progress on stderr: a bar redrawn in place when stderr is a terminal (results done of the
// total, passed and failed so far, elapsed, an estimate of what is left); a plain line every
// `every` results otherwise, for CI logs; nothing with --quiet (the caller then makes none).

export interface EvalProgress {
  readonly started: (total: number) => void;
  readonly result: (passed: boolean) => void;
  /** Moves below a drawn bar. */
  readonly close: () => void;
}

const clock = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
};

const BAR_WIDTH = 24;

export const makeEvalProgress = (options: {
  readonly write: (text: string) => void;
  readonly terminal: boolean;
  readonly now: () => number;
  /** Non-terminal: a line every this many results (and at the last). */
  readonly every?: number;
}): EvalProgress => {
  const every = options.every ?? 10;
  let total = 0;
  let passed = 0;
  let failed = 0;
  let startedAt = options.now();
  let drawn = false;

  const describe = (): { readonly done: number; readonly elapsed: string; readonly left: string } => {
    const done = passed + failed;
    const spent = options.now() - startedAt;
    const left = done === 0 || done >= total ? "" : `, ~${clock((spent / done) * (total - done))} left`;
    return { done, elapsed: clock(spent), left };
  };

  const draw = (): void => {
    const { done, elapsed, left } = describe();
    if (options.terminal) {
      const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
      const bar = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
      options.write(`\r${ansi.CLEAR_LINE}${bar} ${done}/${total}  ✓ ${passed}  ✗ ${failed}  ${elapsed}${left}`);
      drawn = true;
    } else if (done % every === 0 || done === total) {
      options.write(`eval: ${done}/${total} results (${passed} passed, ${failed} failed), ${elapsed} elapsed${left}\n`);
    }
  };

  return {
    started: (count) => {
      total = count;
      startedAt = options.now();
      if (options.terminal) draw();
    },
    result: (ok) => {
      if (ok) passed += 1;
      else failed += 1;
      draw();
    },
    close: () => {
      if (drawn) options.write("\n");
      drawn = false;
    }
  };
};
