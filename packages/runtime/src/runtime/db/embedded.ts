import { EmbeddedDatabaseUnavailableError } from "../errors.js";
import type { Database } from "./database.js";

/**
 * PGlite, in memory when `dataDir` is undefined, else on disk there. It is loaded only here,
 * when an embedded database is opened: PGlite is an optional peer dependency of the runtime,
 * and a production install on PostgreSQL goes without it.
 */
export async function openEmbeddedDatabase(dataDir?: string): Promise<Database> {
  let pglite: typeof import("./pglite.js");
  try {
    pglite = await import("./pglite.js");
  } catch (error) {
    if (isPgliteMissing(error)) throw new EmbeddedDatabaseUnavailableError(error);
    throw error;
  }
  return pglite.pgliteDatabase(await pglite.openPglite(dataDir));
}

function isPgliteMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "ERR_MODULE_NOT_FOUND" && typeof message === "string" && message.includes("@electric-sql/pglite");
}
