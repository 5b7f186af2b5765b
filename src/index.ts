/** The programmatic API of fluvius: the compiler pipeline, hosts and diagnostics. */
export { compile, type CompileOptions, type CompileResult } from "./compile.js";
export { catalog, type Code } from "./diagnostics/catalog.js";
export type { Diagnostic, Position, RelatedLocation, Severity, SourceRange } from "./diagnostics/diagnostic.js";
export { formatGithub } from "./diagnostics/format/github.js";
export { formatJson } from "./diagnostics/format/json.js";
export { formatSarif } from "./diagnostics/format/sarif.js";
export { formatText } from "./diagnostics/format/text.js";
export type { Host } from "./host/host.js";
export { memoryHost } from "./host/memory-host.js";
export { nodeHost } from "./host/node-host.js";
export type { ProjectConfig } from "./load/config.js";
