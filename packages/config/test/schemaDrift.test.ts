import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  consortiumSchema,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_SUITE_THRESHOLD,
  DEFAULT_THRESHOLD,
  detectFileKind,
  suiteSchema
} from "@consortium/config";
import { describe, expect, it } from "@effect/vitest";
import Ajv from "ajv";
import { parse } from "yaml";
import { generateValidators } from "../src/schema/generateValidators.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const committed = (name: string): unknown => JSON.parse(readFileSync(join(root, "schemas", name), "utf8"));

type Node = { readonly [keyword: string]: unknown };

/** Every subschema a value can be checked against, with where it sits. */
const subschemas = (node: Node, at: string): Array<readonly [string, Node]> => {
  const children: Array<readonly [string, Node]> = [];
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
    children.push([`${at}/${name}`, child]);
  }
  if (typeof node.items === "object") children.push([`${at}/items`, node.items as Node]);
  if (typeof node.additionalProperties === "object") children.push([`${at}/*`, node.additionalProperties as Node]);
  for (const [index, branch] of ((node.anyOf ?? []) as Array<Node>).entries())
    children.push([`${at}|${index}`, branch]);
  return children.flatMap(([path, child]) => [[path, child] as const, ...subschemas(child, path)]);
};

describe("published schemas", () => {
  it("schemas/*.json are generated from the source (run `pnpm --filter @consortium/config schemas` after a change)", () => {
    expect(committed("consortium.schema.json")).toEqual(consortiumSchema);
    expect(committed("suite.schema.json")).toEqual(suiteSchema);
    const compiled = readFileSync(join(root, "packages/config/src/generated/validators.js"), "utf8");
    expect(compiled === generateValidators(), "src/generated/validators.js is stale").toBe(true);
  });

  it("describe every property, so editors show help", () => {
    for (const schema of [consortiumSchema, suiteSchema]) {
      const missing = subschemas(schema, "").filter(([, node]) => typeof node.description !== "string");
      expect(missing.map(([path]) => path)).toEqual([]);
      expect(subschemas(schema, "").length).toBeGreaterThan(30);
    }
  });

  it("publish the defaults the loader uses", () => {
    const properties = consortiumSchema.properties as Record<string, Node>;
    expect(properties.confidence_threshold?.default).toBe(DEFAULT_THRESHOLD);
    expect(properties.max_iterations?.default).toBe(DEFAULT_MAX_ITERATIONS);
    expect((suiteSchema.properties as Record<string, Node>).threshold?.default).toBe(DEFAULT_SUITE_THRESHOLD);
  });

  it("compile in a strict, independent ajv and accept every ready file", () => {
    const ajv = new Ajv.default({ strict: true, allErrors: true });
    ajv.addKeyword("patternErrorMessage");
    const validators = {
      consortium: ajv.compile(committed("consortium.schema.json") as object),
      suite: ajv.compile(committed("suite.schema.json") as object)
    };
    const files = [
      ...readdirSync(join(root, "consortia")).map((name) => join("consortia", name)),
      ...readdirSync(join(root, "examples"), { recursive: true, encoding: "utf8" })
        .filter((name) => name.endsWith(".yaml"))
        .map((name) => join("examples", name))
    ];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const text = readFileSync(join(root, file), "utf8");
      const kind = detectFileKind(text);
      expect(kind, file).toBeDefined();
      const validate = validators[kind!];
      expect(validate(parse(text)), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(text.split("\n")[0], file).toMatch(
        /^# yaml-language-server: \$schema=(\.\.\/)+schemas\/(consortium|suite)\.schema\.json$/
      );
    }
  });
});
