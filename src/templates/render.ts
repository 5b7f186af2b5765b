import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

/** templates/ ships beside dist/ and src/ in the package. */
export const templatesRoot = fileURLToPath(new URL("../../templates/", import.meta.url));

// Templates render code, not HTML: no escaping. Strict: a missing view-model key is a bug.
const handlebars = Handlebars.create();
const compiled = new Map<string, HandlebarsTemplateDelegate>();

export function readTemplate(relativePath: string): string {
  return readFileSync(`${templatesRoot}${relativePath}`, "utf8");
}

/** Renders templates/<relativePath> with a view model; compiled templates are cached. */
export function renderTemplate(relativePath: string, view: object): string {
  let template = compiled.get(relativePath);
  if (!template) {
    template = handlebars.compile(readTemplate(relativePath), { noEscape: true, strict: true });
    compiled.set(relativePath, template);
  }
  return template(view);
}

/** Every file under a template folder, as paths relative to it (sorted). */
export function listTemplates(folder: string): string[] {
  const root = `${templatesRoot}${folder}`;
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => `${d.parentPath ?? d.path}/${d.name}`.slice(root.length).replace(/^\/+/, ""))
    .sort();
}

let fingerprint: string | undefined;

/** A hash of every template: generated files are made again when a template changes. */
export function templatesFingerprint(): string {
  if (fingerprint === undefined) {
    const hash = createHash("sha256");
    for (const file of listTemplates("")) hash.update(file).update(readTemplate(file));
    fingerprint = hash.digest("hex").slice(0, 16);
  }
  return fingerprint;
}
