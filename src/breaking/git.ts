import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A project's YAML files (fluvius.yaml and the specs) as they are at another revision, read
 * straight from git's objects: no checkout, nothing written. Keys are paths relative to the
 * project's folder.
 */
export async function projectFilesAt(projectRoot: string, ref: string): Promise<Record<string, string> | { readonly problem: string }> {
  const git = async (args: readonly string[], cwd = projectRoot) =>
    (await run("git", [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" })).stdout;
  let top: string;
  try {
    top = (await git(["rev-parse", "--show-toplevel"])).trim();
  } catch {
    return { problem: `${projectRoot} is not inside a git repository, so there is no revision to compare with; use --lock` };
  }
  try {
    await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    return {
      problem: `'${ref}' is not a revision of this repository (a branch, tag or commit; fetch it first in a shallow CI checkout, e.g. \`git fetch origin main\`)`,
    };
  }
  const prefix = path.relative(top, projectRoot).split(path.sep).join("/");
  const listed = (await git(["ls-tree", "-r", "--name-only", "-z", ref, "--", prefix === "" ? "." : prefix], top)).split("\0").filter((p) => p !== "");
  const wanted = listed.filter((p) => /\.ya?ml$/.test(p) && !p.split("/").includes("node_modules"));
  const texts = await catFiles(
    top,
    wanted.map((p) => `${ref}:${p}`),
  );
  const files: Record<string, string> = {};
  wanted.forEach((p, i) => {
    files[prefix === "" ? p : path.posix.relative(prefix, p)] = texts[i] ?? "";
  });
  return files;
}

/** Many blobs in one `git cat-file --batch`: one process, however many spec files. */
function catFiles(cwd: string, objects: readonly string[]): Promise<string[]> {
  if (objects.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`git cat-file exited with ${code}`));
      const out = Buffer.concat(chunks);
      const texts: string[] = [];
      let at = 0;
      for (let i = 0; i < objects.length; i++) {
        const newline = out.indexOf(10, at);
        const header = out.subarray(at, newline).toString("utf8");
        const size = Number(/ blob (\d+)$/.exec(header)?.[1] ?? -1);
        if (size < 0) {
          texts.push("");
          at = newline + 1;
          continue;
        }
        texts.push(out.subarray(newline + 1, newline + 1 + size).toString("utf8"));
        at = newline + 1 + size + 1;
      }
      resolve(texts);
    });
    child.stdin.end(objects.map((o) => `${o}\n`).join(""));
  });
}
