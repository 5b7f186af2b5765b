#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// A larger young generation: compiling a big spec allocates many short-lived objects, and
// the default size makes the garbage collector run several hundred times.
setFlagsFromString("--max-semi-space-size=32");

// A failing command exits only once its output is written (a pipe would lose all past 64 KiB).
const { exitOnlyWhenFlushed } = await import("../dist/cli/exit.js");
exitOnlyWhenFlushed();
const { execute } = await import("@oclif/core");
await execute({ dir: import.meta.url });
