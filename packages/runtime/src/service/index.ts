/** Running a fluvius service in production, on the runtime alone: `runService({ domains, config, openApi })`. */
export type { OidcServiceConfig, ServiceConfig } from "./config.js";
export { ServiceStartError } from "./http.js";
export { runService, startService, type RunningService, type StartServiceOptions } from "./run.js";
