// Loaded with `node --import`: makes resolving prettier throw, so a run that loads it fails.
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
