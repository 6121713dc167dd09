// A server drains on SIGTERM/SIGINT instead of dying: it takes the signals over from whatever the
// process installed (the CLI's runtime interrupts its program on them, which would skip the grace).
// A second signal during the grace interrupts the runs still in flight at once.

export const untilSignal = (shutdown: (graceMs?: number) => Promise<void>, log: (line: string) => void) =>
  new Promise<void>((resolve, reject) => {
    const signals = ["SIGINT", "SIGTERM"] as const;
    for (const signal of signals) process.removeAllListeners(signal);
    let received = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      received++;
      if (received === 1) {
        log(`${signal}: no new requests; finishing the runs in flight`);
        shutdown().then(resolve, reject);
      } else {
        log(`${signal} again: interrupting the runs in flight`);
        shutdown(0).then(resolve, reject);
      }
    };
    for (const signal of signals) process.on(signal, onSignal);
  });
