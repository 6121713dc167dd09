// Writes, from their single source packages/config/src/schema/*.ts:
//   schemas/consortium.schema.json, schemas/suite.schema.json  (what editors read)
//   packages/config/src/generated/validators.js                 (the same schemas compiled by ajv ahead of time)
// Run after changing a schema: `pnpm --filter @consortium/config schemas`. The drift test
// (test/schemaDrift.test.ts) fails until the committed files match.

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL("..", import.meta.url));
const out = fileURLToPath(new URL("../../../schemas/", import.meta.url));

const bundle = await build({
  absWorkingDir: here,
  entryPoints: ["src/schema/index.ts", "src/schema/generateValidators.ts"],
  outdir: "out",
  bundle: true,
  write: false,
  format: "esm",
  platform: "node",
  conditions: ["source"],
  logLevel: "warning",
  // bundled CommonJS (ajv) calls require(); give the data: module one
  banner: {
    js: `import { createRequire } from "node:module"; const require = createRequire(${JSON.stringify(fileURLToPath(import.meta.url))});`
  }
});
const load = (index) =>
  import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[index].text).toString("base64")}`);
const { consortiumSchema, suiteSchema } = await load(0);
const { generateValidators } = await load(1);
const validators = fileURLToPath(new URL("../src/generated/validators.js", import.meta.url));
writeFileSync(validators, generateValidators());
console.log(`wrote ${validators}`);

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
