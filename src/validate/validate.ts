import type { DiagnosticCollector } from "../diagnostics/collector.js";
import type { SourceFile } from "../parse/source-file.js";
import { reportSchemaErrors } from "./map-errors.js";
import { schemas } from "./schemas.js";
import type { ConfigFileContent, SpecFileContent } from "./spec.js";

/** Checks a spec file against schemas/domain.schema.json; on success its value has the SpecFileContent shape. */
export function validateSpecFile(file: SourceFile, diagnostics: DiagnosticCollector): SpecFileContent | undefined {
  const { domain } = schemas();
  if (domain(file.value)) return file.value as SpecFileContent;
  reportSchemaErrors(domain.errors ?? [], file, diagnostics);
  return undefined;
}

export function validateConfigFile(file: SourceFile, diagnostics: DiagnosticCollector): ConfigFileContent | undefined {
  const { config } = schemas();
  if (config(file.value)) return file.value as ConfigFileContent;
  reportSchemaErrors(config.errors ?? [], file, diagnostics);
  return undefined;
}
