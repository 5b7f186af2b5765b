import { createHash } from "node:crypto";
import { FLUVIUS_VERSION } from "../../runtime/version.js";

/** This package's version. */
export const FRAMEWORK_VERSION: string = FLUVIUS_VERSION;

/** What a deployment says about its build (`fluvius serve` reads FLUVIUS_BUILD_NO and FLUVIUS_BUILD_TIME). */
export interface BuildInfo {
  readonly number?: string;
  readonly time?: string;
}

/**
 * `GET {base}/_meta`, in Fluvius's shape: the application's name and version, `framework` the
 * version of fluvius serving it, `build_no` the build (given, else a digest of the metadata the
 * server describes its API with, so it changes when a field, filter or command does) and
 * `build_time` (given, else null: generated code carries no timestamps).
 */
export function applicationMeta(input: { readonly name: string; readonly version: string; readonly build: BuildInfo; readonly metadata: unknown }) {
  return {
    name: input.name,
    version: input.version,
    framework: FRAMEWORK_VERSION,
    build_no: input.build.number ?? createHash("sha256").update(JSON.stringify(input.metadata)).digest("hex").slice(0, 12),
    build_time: input.build.time ?? null,
  };
}
