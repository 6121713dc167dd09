import type { JsonSchema } from "./builder.js";
import { consortiumFile } from "./consortium.js";
import { suiteFile } from "./suite.js";

// The published JSON Schemas: schemas/*.json are these objects, written by `pnpm --filter @consortium/config schemas`
// and checked by a drift test.

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

export const consortiumSchema: JsonSchema = { $schema: DRAFT_07, ...consortiumFile.json };
export const suiteSchema: JsonSchema = { $schema: DRAFT_07, ...suiteFile.json };

export type { JsonSchema } from "./builder.js";
export type { RawConsortium, RawMember } from "./consortium.js";
export type { RawAssertion, RawInlineCase, RawSuite } from "./suite.js";
export { ASSERTION_TYPES, inlineCase } from "./suite.js";
