import AjvModule, { type ValidateFunction } from "ajv";
import { consortiumSchema, inlineCase, suiteSchema } from "./schema/index.js";

// ajv is built and each schema compiled on first use only: `consortium --version` never pays for it,
// and `validate` compiles only the schema it needs.

let ajv: AjvModule.default | undefined;

export const getAjv = (): AjvModule.default => {
  if (ajv === undefined) {
    ajv = new AjvModule.default({ allErrors: true, verbose: true, strict: true });
    // editor-only keyword in our schemas; the loader reads it to word pattern errors
    ajv.addKeyword("patternErrorMessage");
  }
  return ajv;
};

const lazy = (schema: object): (() => ValidateFunction) => {
  let compiled: ValidateFunction | undefined;
  return () => {
    compiled ??= getAjv().compile(schema);
    return compiled;
  };
};

export const validateConsortium = lazy(consortiumSchema);
export const validateSuite = lazy(suiteSchema);
export const validateCase = lazy(inlineCase.json);
