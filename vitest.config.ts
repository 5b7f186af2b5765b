import { availableParallelism } from "node:os";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// In this repository @fluvius/runtime resolves to its TypeScript source (the "fluvius-source"
// export condition), so tests, the compiler and generated code share one copy of the runtime.
const conditions = ["fluvius-source", ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances and PostgreSQL databases are shared per file; files run in parallel forks.
    pool: "forks",
    // One fork per core, not vitest's default of one less: most tests wait on child processes
    // and databases, and on two cores the default runs the files one at a time.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
