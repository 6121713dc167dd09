import { expect, it } from "vitest";

// Never reached: the run's global setup waits until the run is killed.
it("is never reached", () => {
  expect.unreachable();
});
