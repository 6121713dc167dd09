import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import projects from "./vitest.workspace.js";

// "packages/*" names every package folder.
const expand = (pattern: string): Array<string> =>
  pattern.endsWith("/*")
    ? readdirSync(pattern.slice(0, -2), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
    : [pattern];

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    projects: projects
      .flatMap((pattern) => expand(pattern))
      .map((root) => ({
        extends: true,
        test: { name: root.split("/").pop(), root, include: ["**/*.test.ts"] }
      })),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: [
      fileURLToPath(new URL("./packages/cli/test/global-setup.ts", import.meta.url)),
      // a throw-away PostgreSQL cluster for the store's tests against both backends
      fileURLToPath(new URL("./packages/store/test/pg/global-setup.ts", import.meta.url))
    ]
  }
});
