import { consortiumFile } from "./consortium.js";
import { suiteFile } from "./suite.js";

// The published JSON Schemas: schemas/*.json are these objects, written by `pnpm --filter @consortium/config schemas`
// and checked by a drift test.

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

export const consortiumSchema = { $schema: DRAFT_07, ...consortiumFile.json } as const;
export const suiteSchema = { $schema: DRAFT_07, ...suiteFile.json } as const;

export type { RawConsortium, RawMember } from "./consortium.js";
export type { RawAssertion, RawInlineCase, RawSuite } from "./suite.js";
export { ASSERTION_TYPES, inlineCase } from "./suite.js";
