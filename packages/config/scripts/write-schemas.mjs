// Writes schemas/consortium.schema.json and schemas/suite.schema.json from their single source,
// packages/config/src/schema/*.ts. Run after changing a schema: `pnpm --filter @consortium/config schemas`.
// The drift test (test/schemaDrift.test.ts) fails until the committed files match.

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL("..", import.meta.url));
const out = fileURLToPath(new URL("../../../schemas/", import.meta.url));

const bundle = await build({
  absWorkingDir: here,
  entryPoints: ["src/schema/index.ts"],
  bundle: true,
  write: false,
  format: "esm",
  platform: "node",
  conditions: ["source"],
  logLevel: "warning"
});
const url = `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`;
const { consortiumSchema, suiteSchema } = await import(url);

const files = [];
for (const [name, schema] of [
  ["consortium", consortiumSchema],
  ["suite", suiteSchema]
]) {
  const file = `${out}${name}.schema.json`;
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  files.push(file);
}
// formatted as `biome check` wants them, so the lint stays clean
const biome = fileURLToPath(new URL("../../../node_modules/@biomejs/biome/bin/biome", import.meta.url));
execFileSync(process.execPath, [biome, "format", "--write", ...files], { stdio: "ignore" });
for (const file of files) console.log(`wrote ${file}`);
