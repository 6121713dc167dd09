// The schemas' validators, compiled ahead of time (see schema/generateValidators.ts): loading them
// costs a few milliseconds where compiling with ajv would cost 100+.

export { validateCase, validateConsortium, validateJsonSchema, validateSuite } from "./generated/validators.js";
