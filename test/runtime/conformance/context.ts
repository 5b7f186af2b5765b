import type { Backend } from "../helpers/backends.js";

/** The backend under test; set by the suite's beforeAll. */
export interface SuiteContext {
  readonly backend: Backend;
}
