import { isUniqueViolation } from "../db/database.js";
import type { ReadModelDefinition } from "../definition.js";
import { UniqueViolationError } from "../errors.js";
import type { TenantStore } from "../store/types.js";

/**
 * What a unique violation of the command's write means: the 409 naming the fields and the
 * stream that holds the value; "retry" when that stream let go of the value since (decide
 * again); undefined when the error is not about a unique field of this read model.
 */
export async function uniqueViolationOf(
  error: unknown,
  tenant: TenantStore,
  readModel: ReadModelDefinition | undefined,
  streamId: string,
  state: unknown,
): Promise<UniqueViolationError | "retry" | undefined> {
  const index = readModel?.unique?.find((u) => isUniqueViolation(error, u.name));
  if (readModel === undefined || index === undefined) return undefined;
  const fields = state as Readonly<Record<string, unknown>>;
  const columns: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};
  for (const field of index.fields) {
    const column = readModel.columns.find((c) => c.field === field)?.column ?? field;
    columns[column] = fields[field] ?? null;
    values[field] = fields[field] ?? null;
  }
  const holder = await tenant.findRow(readModel, columns, streamId);
  return holder === undefined ? "retry" : new UniqueViolationError(index.fields, values, holder);
}
