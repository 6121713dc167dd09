/** The process exit codes: 0 ok (a degraded run included), 1 failed, 2 bad input, 130 interrupted; nothing else is ever returned. */
export const ExitCode = {
  Ok: 0,
  /** The run failed (no quorum, arbiter failed) or an eval missed its threshold. */
  RunFailed: 1,
  /** Usage error, invalid file, missing environment variable, unknown provider. */
  BadInput: 2,
  /** SIGINT / SIGTERM. */
  Interrupted: 130
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
