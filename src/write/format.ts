import type { Options } from "prettier";

/** Which formatter a file gets; prettier does not know SQL, so SQL is emitted formatted. */
export type FileLanguage = "typescript" | "json" | "none";

const PARSERS: Record<Exclude<FileLanguage, "none">, string> = { typescript: "typescript", json: "json" };

/**
 * Formats with the project's prettier configuration (resolved once per run), so generated
 * code looks like the rest of the project.
 */
export class Formatter {
  readonly #projectRoot: string;
  #prettier: Promise<typeof import("prettier")> | undefined;
  #options: Promise<Options> | undefined;

  constructor(projectRoot: string) {
    this.#projectRoot = projectRoot;
  }

  /** prettier is loaded on first use: a run that changes nothing never needs it. */
  #load() {
    this.#prettier ??= import("prettier");
    return this.#prettier;
  }

  /** The project's prettier configuration (.prettierrc, package.json, .editorconfig), or prettier's defaults. */
  #resolve(): Promise<Options> {
    this.#options ??= this.#load()
      .then((prettier) => prettier.resolveConfig(`${this.#projectRoot}/fluvius-generated.ts`, { editorconfig: true }))
      .then((options) => options ?? {})
      .catch(() => ({}));
    return this.#options;
  }

  /** The options as one string, so a config change invalidates what was formatted before. */
  async fingerprint(): Promise<string> {
    return JSON.stringify(await this.#resolve());
  }

  async format(text: string, language: FileLanguage): Promise<string> {
    if (language === "none") return text;
    const [prettier, options] = await Promise.all([this.#load(), this.#resolve()]);
    return prettier.format(text, { ...options, parser: PARSERS[language], endOfLine: "lf" });
  }
}
