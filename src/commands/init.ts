import path from "node:path";
import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { nodeHost } from "../host/node-host.js";
import { resolvePath } from "../host/paths.js";
import { mergePackageJson } from "../init/merge-package.js";
import { GENERATED_IGNORE, mergePrettierIgnore, packageNameFrom, type ProjectDependencies, scaffold } from "../init/scaffold.js";

export default class Init extends FluviusCommand {
  static override summary = "Create a new fluvius project with an example banking domain.";
  static override description = `Writes fluvius.yaml, domains/banking.yaml (with the schema header editors use for
completion), package.json, tsconfig.json, .gitignore, .prettierignore (the generated folder), a README and a GitHub Actions workflow
that runs \`fluvius validate\` and \`fluvius generate --check\`. Existing files are never
overwritten: they are kept and listed. An existing package.json gets what the project needs
merged in ("type": "module", missing scripts and dependencies; the user's values are kept),
and each change is printed.`;

  static override examples = [
    { command: "<%= config.bin %> init my-bank", description: "Create the project in ./my-bank." },
    { command: "<%= config.bin %> init", description: "Add what is missing to the current folder." },
  ];

  static override args = {
    dir: Args.string({ description: "Folder of the new project (created if needed).", default: "." }),
  };

  static override flags = {
    name: Flags.string({ description: "Package name (default: the folder's name)." }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Init);
    const host = nodeHost();
    const root = resolvePath(host.cwd, args.dir);
    const stat = await host.stat(root);
    if (stat && stat.kind !== "directory") {
      this.logToStderr(`fluvius: '${args.dir}' exists and is not a folder.`);
      this.exit(2);
    }
    const files = scaffold({
      name: flags.name ?? packageNameFrom(path.basename(root)),
      dependencies: projectDependencies(this.config.root, this.config.version),
    });
    const kept: string[] = [];
    for (const file of files) {
      const target = `${root}/${file.path}`;
      if (file.path === "package.json" && (await host.stat(target))) {
        const merge = mergePackageJson((await host.readText(target)) ?? "", file.content);
        if (!merge.ok) {
          this.logToStderr(`fluvius: ${merge.reason}.`);
          this.exit(EXIT.problems);
        }
        if (merge.content === undefined) {
          kept.push(file.path);
          this.log(`  kept     ${file.path} (has what the project needs)`);
          continue;
        }
        await host.writeFile(target, merge.content);
        this.log(`  updated  ${file.path}: ${merge.changes.join("; ")}`);
        continue;
      }
      if (file.path === ".prettierignore" && (await host.stat(target))) {
        // The generated folder is in fluvius's canonical style: the project's prettier must leave it alone.
        const merged = mergePrettierIgnore((await host.readText(target)) ?? "", file.content);
        if (merged === undefined) {
          kept.push(file.path);
          this.log(`  kept     ${file.path} (ignores ${GENERATED_IGNORE} already)`);
        } else {
          await host.writeFile(target, merged);
          this.log(`  updated  ${file.path}: ignores ${GENERATED_IGNORE}`);
        }
        continue;
      }
      if (await host.stat(target)) {
        kept.push(file.path);
        this.log(`  kept     ${file.path} (exists)`);
        continue;
      }
      await host.writeFile(target, file.content);
      this.log(`  created  ${file.path}`);
    }
    const where = args.dir === "." ? "" : `cd ${args.dir} && `;
    this.log(`\nNext: ${where}npm install && npx fluvius validate && npx fluvius generate`);
    if (kept.length > 0) this.log(`${kept.length} existing ${kept.length === 1 ? "file was" : "files were"} left untouched.`);
  }
}

/**
 * What the new project depends on: the registry's releases when this fluvius was installed
 * from it (it lives in a node_modules folder), otherwise this very copy (`file:`), so that
 * `npm install` works from a checkout or an unpacked tarball before any release exists.
 * The runtime is a dependency (production runs on it alone); the CLI a dev dependency.
 */
export function projectDependencies(packageRoot: string, version: string): ProjectDependencies {
  const root = packageRoot.split(path.sep).join("/");
  if (root.split("/").includes("node_modules")) return { fluvius: `^${version}`, runtime: `^${version}` };
  return { fluvius: `file:${root}`, runtime: `file:${root}/packages/runtime` };
}
