import { Flags } from "@oclif/core";
import { ServiceCommand } from "../cli/service-command.js";
import { configFlag, databaseUrlFlag } from "../migrate/cli.js";

export default class Serve extends ServiceCommand {
  static override summary = "Run the project's HTTP API on the embedded database or on PostgreSQL.";
  static override description = `Loads the generated code and your handlers straight from TypeScript (no build step) and
serves the API (commands, lists, items, history, /_meta; docs/http.md) under api.basePath, with the OpenAPI document at /openapi.json and
Swagger UI at /docs. The database is --database-url, else the environment variable named by
database.urlEnv (default DATABASE_URL), else the embedded PGlite database (.fluvius/pgdata).
Tokens are verified with auth.secretEnv's secret (default FLUVIUS_JWT_SECRET), or the project's
development secret that \`fluvius token\` signs with, or auth.jwksUrl. With auth.cookie the token may
come in a session cookie; auth.oidc adds the browser login at {basePath}/auth/login (the provider is
read at start; docs/http.md). GET /_meta reports the build
from FLUVIUS_BUILD_NO and FLUVIUS_BUILD_TIME when a deployment sets them.`;

  static override examples = [
    { command: "<%= config.bin %> serve --migrate", description: "Apply pending migrations, then serve on the embedded database." },
    { command: "<%= config.bin %> serve --port 8080 --database-url postgres://app@localhost/shop", description: "On PostgreSQL." },
  ];

  static override flags = {
    port: Flags.integer({ char: "p", description: "Port to listen on.", default: 3000, min: 0, max: 65535 }),
    host: Flags.string({ description: "Address to listen on.", default: "127.0.0.1" }),
    migrate: Flags.boolean({ description: "Apply pending migrations before serving." }),
    "database-url": databaseUrlFlag,
    config: configFlag,
    log: Flags.boolean({
      description: "Log every request (JSON lines). Server errors are always logged on stderr, one line each; with --log also their stack.",
    }),
    workers: Flags.boolean({
      description:
        "Run the reactions, timers and forwarders in this process (the default). --no-workers serves HTTP only, for replicas that leave them to `fluvius worker`.",
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    await this.start(flags, { http: true, workers: flags.workers });
  }
}
