/** The ajv options of the spec and config validators, shared by the runtime compile and the build's precompile. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/** The precompiled validators (scripts/compile-schemas.mjs writes them next to the compiled sources). */
export const PRECOMPILED_FILE = "schema-validators.cjs";

/**
 * Keywords the schemas carry for editors (yaml-language-server, VS Code's JSON support), which
 * validate nothing: `markdownDescription` (rich hovers), `patternErrorMessage` (a readable message
 * instead of the raw pattern), `enumDescriptions`/`markdownEnumDescriptions` (documentation of
 * completion items). ajv's strict mode accepts them as an annotation vocabulary.
 */
export const EDITOR_KEYWORDS = ["markdownDescription", "patternErrorMessage", "enumDescriptions", "markdownEnumDescriptions"] as const;
