#!/usr/bin/env node
// Process entry for the fake server (bundle with esbuild, or run through a TypeScript loader).
import { serveFromCli } from "./cli.js";

serveFromCli(process.argv.slice(2), process.env).then(
  (fake) => {
    const stop = (): void => {
      fake.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
  (error: unknown) => {
    process.stderr.write(`fake LLM failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
);
