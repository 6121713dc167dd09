import { fileURLToPath } from "node:url";

// Every path the bench needs, from its own location (src/ when type-checked, dist/ when run: both one
// level below bench/).

export const benchDir = fileURLToPath(new URL("..", import.meta.url));
export const repoDir = fileURLToPath(new URL("../..", import.meta.url));

/** BENCH_CLI measures another build of the CLI (e.g. a candidate fix bundled elsewhere) with the same scenarios. */
export const cliBin = process.env.BENCH_CLI || `${repoDir}packages/cli/dist/bin.js`;
export const fakeBin = `${repoDir}packages/testkit/dist/fake-llm.js`;
/** The serve scenario's floor server (src/serveFloor.ts), built beside the harness. */
export const floorBin = `${benchDir}dist/serve-floor.js`;
export const engineRunBin = `${benchDir}dist/engine-run.js`;
export const rusageHook = `${benchDir}dist/rusage.js`;
export const researchConsortium = `${repoDir}consortia/research.yaml`;

/** promptfoo lives in its own npm folder, outside the pnpm workspace (see promptfoo/package.json). */
export const promptfooDir = `${benchDir}promptfoo/`;
export const promptfooBin = `${promptfooDir}node_modules/promptfoo/dist/src/entrypoint.js`;
