// Runs the fluvius CLI in this process and, at exit, reports the process's peak memory
// (resident set size) to the file named by FLUVIUS_BENCH_RSS_FILE.
import { writeFileSync } from "node:fs";
import { execute } from "@oclif/core";

process.on("exit", () => {
  const file = process.env.FLUVIUS_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
await execute({ dir: new URL("../../bin/run.js", import.meta.url).href, args: process.argv.slice(2) });
