import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** A hash of the two schema files, to tell whether precompiled validators still match them. */
export function schemasHash(packageRoot: string): string {
  const hash = createHash("sha256");
  for (const name of ["domain.schema.json", "config.schema.json"]) hash.update(readFileSync(path.join(packageRoot, "schemas", name)));
  return hash.digest("hex");
}
