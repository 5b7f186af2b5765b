#!/usr/bin/env node
// Writes oclif.manifest.json after `tsc` (part of `npm run build`). Without it, oclif imports
// every command module on every run to read their flags, so even `fluvius explain` would
// load the HTTP server, the database drivers and the generator (about 0.4 s per run).
// This is what `oclif manifest` does, without adding that package's dependencies.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Plugin } from "@oclif/core";

const root = fileURLToPath(new URL("..", import.meta.url));
const plugin = new Plugin({ root, type: "core", isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
const ids = Object.keys(plugin.manifest.commands);
if (ids.length === 0) throw new Error("no commands found under dist/commands: run tsc first");
writeFileSync(path.join(root, "oclif.manifest.json"), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${ids.sort().join(", ")}`);
