#!/usr/bin/env node
// The README's main command: a new project from `fluvius init`, checked by `fluvius validate`.
// Later steps (generate, migrate, serve and a scripted HTTP session) run on the embedded database.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/run.js", import.meta.url));
const dir = process.argv[2] ?? mkdtempSync(path.join(tmpdir(), "fluvius-demo-"));

function fluvius(...args) {
  console.log(`\n$ fluvius ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: dir, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\nThe demo stopped: \`fluvius ${args.join(" ")}\` exited with ${result.status}.`);
    process.exit(1);
  }
}

console.log(`Demo project: ${dir}`);
fluvius("init", ".");
fluvius("validate");
console.log("\nDemo finished.");
