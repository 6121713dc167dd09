// What the scenarios run, in one place. Latencies are the fake server's, per call.

export interface Settings {
  /** Scenario 2: one run of 8 member instances and an arbiter, two iterations. */
  readonly runMemberMs: number;
  readonly runArbiterMs: number;
  /** Repetitions of the run (CLI and in-process); the median is reported. */
  readonly runRepeats: number;
  /** Scenarios 3-5: the suite. */
  readonly cases: number;
  readonly concurrency: number;
  readonly suiteMemberMs: number;
  readonly suiteArbiterMs: number;
  /** Scenario 1. */
  readonly startupRounds: number;
  /** When set, every consortium process writes a V8 CPU profile here (node --cpu-prof). */
  readonly cpuProfileDir: string | undefined;
}

export const defaultSettings: Settings = {
  runMemberMs: 1000,
  runArbiterMs: 500,
  runRepeats: 3,
  cases: 2000,
  concurrency: 64,
  suiteMemberMs: 500,
  suiteArbiterMs: 250,
  startupRounds: 20,
  cpuProfileDir: undefined
};

export const nodeFlagsFor = (settings: Settings, label: string): Array<string> =>
  settings.cpuProfileDir === undefined
    ? []
    : ["--cpu-prof", "--cpu-prof-dir", settings.cpuProfileDir, "--cpu-prof-name", `${label}.cpuprofile`];
