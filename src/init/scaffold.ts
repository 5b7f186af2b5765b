import { listTemplates, readTemplate, renderTemplate } from "../templates/render.js";

export interface ScaffoldOptions {
  /** The npm package name of the new project. */
  readonly name: string;
  /** The versions the project depends on: `^<version>`, or `file:<path>` of a checkout. */
  readonly dependencies: ProjectDependencies;
}

export interface ProjectDependencies {
  /** The CLI and generator (a dev dependency). */
  readonly fluvius: string;
  /** @fluvius/runtime, which the generated code imports and production runs on. */
  readonly runtime: string;
}

export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The files of a new project, from templates/init. `*.hbs` files are rendered; names
 * that npm would not publish or that tools would read in fluvius's own tree (.gitignore,
 * .prettierignore, .github) are stored without their dot.
 */
export function scaffold(options: ScaffoldOptions): ScaffoldFile[] {
  return listTemplates("init").map((template) => {
    const content = template.endsWith(".hbs") ? renderTemplate(`init/${template}`, options) : readTemplate(`init/${template}`);
    return { path: targetPath(template), content };
  });
}

function targetPath(template: string): string {
  const path = template.replace(/\.hbs$/, "");
  if (path === "gitignore") return ".gitignore";
  if (path === "prettierignore") return ".prettierignore";
  if (path.startsWith("github/")) return `.${path}`;
  return path;
}

/** A valid npm package name from a folder name: "My Bank!" → "my-bank". */
export function packageNameFrom(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+|[-._]+$/g, "");
  return name === "" ? "fluvius-app" : name.slice(0, 214);
}

/** The line of .prettierignore that keeps the generated folder out of the project's formatting. */
export const GENERATED_IGNORE = "src/generated/";

/**
 * An existing .prettierignore with the generated folder added at the end (with the template's
 * comment), or undefined when it already ignores it.
 */
export function mergePrettierIgnore(existing: string, template: string): string | undefined {
  const ignores = existing
    .split(/\r?\n/)
    .some((line) => ["src/generated", "src/generated/", "/src/generated", "/src/generated/", "src/generated/**"].includes(line.trim()));
  if (ignores) return undefined;
  const separator = existing === "" || existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n";
  return `${existing}${separator}${template}`;
}
