import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** The texts of the two schemas the package ships in schemas/ (editors read them too). */
export interface SchemaTexts {
  readonly domain: string;
  readonly config: string;
}

export function readSchemaTexts(packageRoot: string): SchemaTexts {
  const read = (name: string) => readFileSync(path.join(packageRoot, "schemas", name), "utf8");
  return { domain: read("domain.schema.json"), config: read("config.schema.json") };
}

/** A hash of the two schemas, to tell whether precompiled validators still match them. */
export function schemasHash(texts: SchemaTexts): string {
  return createHash("sha256").update(texts.domain).update("\0").update(texts.config).digest("hex");
}
