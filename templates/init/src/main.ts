// The production entry: the service on @fluvius/runtime alone, without the CLI or the
// generator (`npm ci --omit=dev`, then `npm start`). It reads no YAML: `fluvius generate`
// wrote fluvius.yaml's settings into src/generated/service.ts.
//
// Build it with `npm run build`; apply the migrations as a release step
// (`npx fluvius migrate up --database-url …`, where the dev dependencies are installed); then
// run it with DATABASE_URL (PostgreSQL) and FLUVIUS_JWT_SECRET (or auth.jwksUrl) set, and
// PORT and HOST when the defaults (3000, 127.0.0.1) do not fit. `fluvius serve` stays the way
// to run it while you develop.
import { runService } from "@fluvius/runtime/service";
import { domains } from "./generated/index.js";
import openApi from "./generated/openapi.json" with { type: "json" };
import { serviceConfig } from "./generated/service.js";

await runService({ domains, config: serviceConfig, openApi });
