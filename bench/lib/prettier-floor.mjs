// The formatter's floor: prettier alone on the TypeScript files a cold `fluvius generate`
// wrote (<inputDir>, recursively), on as many worker threads as generate uses (one per core,
// at most 8), each result written under <outDir>. The input is already formatted, which
// prettier handles a little faster than generate's unformatted text: a lower bound of what
// formatting costs on this machine, measured in the same round as generate itself. A fresh
// Node process like the CLI, reporting its peak memory at exit like bench/lib/floor.mjs.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { isMainThread, parentPort, Worker } from "node:worker_threads";

if (isMainThread) {
  process.on("exit", () => {
    const file = process.env.FLUVIUS_BENCH_RSS_FILE;
    if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });

  const [inputDir, outDir] = process.argv.slice(2);
  if (!inputDir || !outDir) {
    console.error("usage: node prettier-floor.mjs <inputDir> <outDir>");
    process.exit(2);
  }
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) files.push(full);
    }
  };
  walk(inputDir);
  if (files.length === 0) {
    console.error(`prettier floor: no .ts files under ${inputDir}`);
    process.exit(1);
  }

  const threads = Math.max(1, Math.min(availableParallelism(), 8));
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url)));
  let next = 0;
  // Two files in flight per thread, as generate does: a thread never waits for the next text.
  const lane = async (worker) => {
    while (next < files.length) {
      const file = files[next++];
      const text = await new Promise((resolve, reject) => {
        const onMessage = (message) => {
          if (message.file !== file) return;
          worker.off("message", onMessage);
          if (message.error) reject(new Error(message.error));
          else resolve(message.text);
        };
        worker.on("message", onMessage);
        worker.postMessage({ file, text: readFileSync(file, "utf8") });
      });
      const target = path.join(outDir, path.relative(inputDir, file));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
  };
  await Promise.all(workers.flatMap((worker) => [lane(worker), lane(worker)]));
  await Promise.all(workers.map((worker) => worker.terminate()));
} else {
  const prettier = await import("prettier");
  parentPort.on("message", ({ file, text }) => {
    prettier.format(text, { parser: "babel-ts", endOfLine: "lf" }).then(
      (formatted) => parentPort.postMessage({ file, text: formatted }),
      (error) => parentPort.postMessage({ file, error: String(error) }),
    );
  });
}
