// Types of the generated validators.js (ajv standalone code for the schemas in ../schema).
import type { ValidateFunction } from "ajv";

export declare const validateConsortium: ValidateFunction;
export declare const validateSuite: ValidateFunction;
export declare const validateCase: ValidateFunction;
/** The JSON Schema draft-07 meta-schema: is a value a valid JSON Schema? */
export declare const validateJsonSchema: ValidateFunction;
