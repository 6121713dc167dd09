import { defineConfig } from "vitest/config";

// The run killedRun.test.ts starts and kills: its global setup starts a cluster and waits.
export default defineConfig({
  test: { globalSetup: ["./setup.ts"], include: ["hold.fixture.ts"] }
});
