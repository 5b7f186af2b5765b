/** The ajv options of the spec and config validators, shared by the runtime compile and the build's precompile. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/** The precompiled validators (scripts/compile-schemas.mjs writes them next to the compiled sources). */
export const PRECOMPILED_FILE = "schema-validators.cjs";
