import { describe } from "vitest";
import { postgresBackend } from "./helpers/backends.js";
import { conformanceSuite } from "./conformance/suite.js";

describe("conformance on PostgreSQL", () => conformanceSuite(() => postgresBackend()));
