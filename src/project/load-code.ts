import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { ProjectConfig } from "../load/config.js";
import type { DomainDefinition } from "@fluvius/runtime/internal/runtime/domain";

export interface ProjectCode {
  readonly domains: readonly DomainDefinition[];
  readonly openApi?: Record<string, unknown>;
}

/** Why the project's code could not be loaded: a message for the user, not a stack trace. */
export class ProjectCodeError extends Error {}

/**
 * Imports the project's generated index (and through it the hand-written handlers) straight
 * from TypeScript, with tsx's loader: no build step. The loader is registered only here.
 */
export async function loadProjectCode(config: ProjectConfig): Promise<ProjectCode> {
  const index = `${config.output.generated}/index.ts`;
  if (!existsSync(index)) throw new ProjectCodeError(`There is no generated code at ${index}; run \`fluvius generate\` first.`);
  const { register } = await import("tsx/esm/api");
  register();
  let module: { domains?: unknown };
  try {
    module = (await import(pathToFileURL(index).href)) as { domains?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ProjectCodeError(`The project's code failed to load: ${message}`);
  }
  if (!Array.isArray(module.domains)) throw new ProjectCodeError(`${index} exports no \`domains\`; run \`fluvius generate\` again.`);
  const openApiPath = `${config.output.generated}/openapi.json`;
  const openApi = existsSync(openApiPath) ? (JSON.parse(readFileSync(openApiPath, "utf8")) as Record<string, unknown>) : undefined;
  return { domains: module.domains as DomainDefinition[], ...(openApi === undefined ? {} : { openApi }) };
}
