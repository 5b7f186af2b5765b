import SwaggerParser from "@apidevtools/swagger-parser";

/** What @apidevtools/swagger-parser finds wrong with an OpenAPI document; undefined when valid. */
export async function openApiProblems(document: Record<string, unknown>): Promise<string | undefined> {
  try {
    // It dereferences in place: give it a copy.
    await SwaggerParser.validate(structuredClone(document) as never);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
