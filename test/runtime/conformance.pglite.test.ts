import { describe } from "vitest";
import { pgliteBackend } from "./helpers/backends.js";
import { conformanceSuite } from "./conformance/suite.js";

describe("conformance on PGlite (in memory)", () => conformanceSuite(pgliteBackend));
