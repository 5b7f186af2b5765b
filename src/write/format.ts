import * as prettier from "prettier";

/** Which formatter a file gets; prettier does not know SQL, so SQL is emitted formatted. */
export type FileLanguage = "typescript" | "json" | "none";

const PARSERS: Record<Exclude<FileLanguage, "none">, string> = { typescript: "typescript", json: "json" };

/**
 * Formats with the project's prettier configuration (resolved once per run), so generated
 * code looks like the rest of the project.
 */
export class Formatter {
  readonly #options: Promise<prettier.Options>;

  constructor(projectRoot: string) {
    this.#options = prettier
      .resolveConfig(`${projectRoot}/fluvius-generated.ts`, { editorconfig: true })
      .then((options) => options ?? {})
      .catch(() => ({}));
  }

  /** The options as one string, so a config change invalidates what was formatted before. */
  async fingerprint(): Promise<string> {
    return JSON.stringify(await this.#options);
  }

  async format(text: string, language: FileLanguage): Promise<string> {
    if (language === "none") return text;
    const options = await this.#options;
    return prettier.format(text, { ...options, parser: PARSERS[language], endOfLine: "lf" });
  }
}
