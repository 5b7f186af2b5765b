// The generator's floor: what `fluvius generate` cannot avoid doing, without generating.
// Reads every spec file under <specDir> (recursively), then writes the files listed in
// <manifest> (JSON: [{ "path": "relative/file.ts", "bytes": 1234 }, …]) under <outDir>,
// each with exactly that many bytes. A fresh Node process like the CLI, so process start-up
// is in both; it reports its peak memory at exit like bench/lib/cli-with-rss.mjs.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

process.on("exit", () => {
  const file = process.env.FLUVIUS_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});

const [specDir, manifestPath, outDir] = process.argv.slice(2);
if (!specDir || !manifestPath || !outDir) {
  console.error("usage: node floor.mjs <specDir> <manifest.json> <outDir>");
  process.exit(2);
}

let read = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.ya?ml$/.test(entry.name)) read += readFileSync(full, "utf8").length;
  }
};
walk(specDir);

const files = JSON.parse(readFileSync(manifestPath, "utf8"));
const made = new Set();
let written = 0;
for (const file of files) {
  const target = path.join(outDir, file.path);
  const dir = path.dirname(target);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  writeFileSync(target, Buffer.alloc(file.bytes, 0x20));
  written += file.bytes;
}
if (read === 0 || written === 0) {
  console.error(`floor: read ${read} characters, wrote ${written} bytes`);
  process.exit(1);
}
