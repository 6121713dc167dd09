// The list of test projects. The root vitest.config.ts reads it (vitest 3.2 deprecated this file's
// own loading), so every package's tests run from one `pnpm test`.
export default ["packages/*", "examples"];
