import { readFile } from "node:fs/promises";
import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { formatText } from "../diagnostics/format/text.js";
import { DOCS_FORMATS, type DocsFormat, renderDocs } from "../docs/index.js";
import { findMermaidBundle } from "../docs/mermaid-bundle.js";
import { projectDocsInput } from "../docs/project.js";
import { displayPath, resolvePath } from "../host/paths.js";
import { nodeHost } from "../host/node-host.js";

export default class Docs extends FluviusCommand {
  static override summary = "Write the domain's docs: Mermaid diagrams of each aggregate's flow and an event catalog, as Markdown or HTML.";
  static override description = `Reads the specs like \`fluvius generate\` (nothing is written when they have errors: exit 1 with the diagnostics) and writes one page per project: for each domain its types, each aggregate's flow as a Mermaid diagram (commands, the events they record under their \`when\` guards, what each event changes in the state, the reactions, timers and views around it), its state and commands, its reactions, views and external events, the event catalog (every event with its version, payload, who emits it, which reactions hear it and which views it feeds; earlier versions from fluvius.lock.json) and who may do what.

Markdown (the default) renders its diagrams wherever Markdown renders Mermaid (GitHub, GitLab, VS Code's preview). HTML is one self-contained page with no external resources; its diagrams show as Mermaid source, or are drawn with --embed-mermaid (which inlines the project's \`mermaid\` package). \`fluvius serve\` serves the HTML page at /docs/domain.

Without --out the page goes to stdout. The output is deterministic (spec order, no timestamps), so it can be committed and checked in CI.`;

  static override examples = [
    { command: "<%= config.bin %> docs > docs/domain.md", description: "Markdown to stdout." },
    { command: "<%= config.bin %> docs --out docs/", description: "Write docs/domain.md." },
    { command: "<%= config.bin %> docs --format html --out site/domain.html", description: "One static HTML page." },
    {
      command: "<%= config.bin %> docs --out site/domain.html --embed-mermaid",
      description: "The same, its diagrams drawn offline by the project's mermaid package.",
    },
  ];

  static override strict = false;
  static override args = {
    paths: Args.string({ description: "Spec files, folders or globs (default: `specs` of fluvius.yaml).", required: false }),
  };

  static override flags = {
    format: Flags.string({ char: "f", description: "Output format (default: html when --out names a .html file, else markdown).", options: [...DOCS_FORMATS] }),
    out: Flags.string({
      char: "o",
      description: "Write to this file, or into this folder (an existing one, or ending in /) as domain.md or domain.html. Default: stdout.",
    }),
    "embed-mermaid": Flags.boolean({
      description:
        "HTML only: inline the browser bundle of the project's `mermaid` package (npm install mermaid; about 3 MB), so the page draws its diagrams offline as a single file.",
    }),
    config: Flags.string({ char: "c", description: "Path of fluvius.yaml (default: the nearest one upwards)." }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Docs);
    const host = nodeHost();
    const project = await projectDocsInput(host, { inputs: argv as string[], ...(flags.config === undefined ? {} : { configPath: flags.config }) });
    if (!project.ok) {
      // stderr: stdout is the page, and may be redirected into a file.
      const errors = project.diagnostics.filter((d) => d.severity === "error");
      this.logToStderr(formatText(errors, { color: this.useColor(process.stderr), sources: project.sources }));
      this.logToStderr("\nfluvius: no docs were written; fix the errors above first (`fluvius validate`).");
      return this.exit(EXIT.problems);
    }
    const format = (flags.format ?? (flags.out?.toLowerCase().endsWith(".html") ? "html" : "markdown")) as DocsFormat;
    let mermaidBundle: string | undefined;
    if (flags["embed-mermaid"]) {
      if (format !== "html") this.error("--embed-mermaid needs --format html (Markdown hosts draw Mermaid themselves).", { exit: EXIT.usage });
      const bundle = findMermaidBundle(project.config.root);
      if (bundle === undefined) {
        this.logToStderr("fluvius: --embed-mermaid needs the `mermaid` package in the project: run `npm install --save-dev mermaid`.");
        return this.exit(EXIT.problems);
      }
      mermaidBundle = await readFile(bundle, "utf8");
    }
    const text = renderDocs(project.input, format, mermaidBundle === undefined ? {} : { mermaidBundle });
    if (flags.out === undefined) {
      process.stdout.write(text);
      return;
    }
    const target = await outputPath(host, flags.out, format);
    await host.writeFile(target, text);
    this.log(`✔ wrote ${displayPath(host.cwd, target)}`);
  }
}

/** `--out`: a file, or a folder (existing, or written with a trailing slash) that gets domain.md / domain.html. */
async function outputPath(host: ReturnType<typeof nodeHost>, out: string, format: DocsFormat): Promise<string> {
  const resolved = resolvePath(host.cwd, out);
  const folder = out.endsWith("/") || out.endsWith("\\") || (await host.stat(resolved))?.kind === "directory";
  return folder ? resolvePath(resolved, format === "html" ? "domain.html" : "domain.md") : resolved;
}
