/** The version of fluvius: the CLI and its runtime package are versioned together (a test holds them equal). */
export { FLUVIUS_VERSION } from "@fluvius/runtime/internal/runtime/version";
