// Runs the real fluvius entry point (bin/run.js, with its V8 flags) in this process and, at
// exit, reports the process's peak memory (resident set size) to the file named by
// FLUVIUS_BENCH_RSS_FILE. Arguments are passed through: `node cli-with-rss.mjs generate`.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  const file = process.env.FLUVIUS_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
await import("../../bin/run.js");
