// A promise a test settles when it is ready: given as a streamed reply's `holdAfterFirst`, the fake
// keeps the reply open after its first piece until the test has seen that piece arrive (a readiness
// signal, never a sleep).

export interface Gate {
  readonly opened: Promise<void>;
  /** Settles `opened`; calling it again does nothing. */
  readonly open: () => void;
}

export const gate = (): Gate => {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = () => resolve();
  });
  return { opened, open: () => open() };
};
