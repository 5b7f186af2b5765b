import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Projects the tests build live in test/.tmp while the run lasts; start each run clean. */
export default function setup(): void {
  rmSync(path.join(path.dirname(fileURLToPath(import.meta.url)), ".tmp"), { recursive: true, force: true });
}
