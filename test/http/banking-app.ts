import type { FastifyInstance } from "fastify";
import { createAuthenticator, createServer, type LiveOptions, mintToken, type SessionOptions } from "@fluvius/runtime/http";
import { createStore, pgDatabase, type Database, type DomainDefinition } from "@fluvius/runtime";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";
import { buildProject, type BuiltProject, editHandler } from "../helpers/project.js";
import { createDatabase } from "../helpers/postgres.js";

export const SECRET = "test-secret-of-at-least-32-characters!";

export interface BankingApp {
  readonly app: FastifyInstance;
  readonly db: Database;
  readonly domains: readonly DomainDefinition[];
  token(subject: string, tenant: string, roles: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/** The banking project with the "no overdraft" rule written into its withdraw handler. */
export function bankingProject() {
  return buildProject("banking", (dir) => {
    const file = "src/domain/banking/account.ts";
    editHandler(dir, file, "import type * as types", 'import { BusinessRuleError, compare } from "@fluvius/runtime";\nimport type * as types');
    editHandler(
      dir,
      file,
      "export const handleWithdraw: types.WithdrawHandler = ({ payload }) => {\n",
      'export const handleWithdraw: types.WithdrawHandler = ({ state, payload }) => {\n  if (compare(state.balance, payload.amount) < 0) {\n    throw new BusinessRuleError("insufficient-funds", `The balance ${state.balance} does not cover ${payload.amount}.`);\n  }\n',
    );
  });
}

/** The API of the banking example on PGlite (in memory) or on a fresh PostgreSQL database. */
export function startBankingApp(backend: "pglite" | "postgres", options: AppOptions = {}): Promise<BankingApp> {
  return startApp(backend, bankingProject(), options);
}

export interface AppOptions {
  /** Rewrites the PostgreSQL URL, e.g. to go through a proxy the test can cut. */
  readonly connectVia?: (url: string) => string;
  /** The server's api.basePath (default "/api"). */
  readonly basePath?: string;
  /** A browser session (cookie, login) besides bearer tokens. */
  readonly session?: SessionOptions;
  readonly tenantNameClaim?: string;
  /** Limits of the live routes. */
  readonly live?: LiveOptions;
}

/** The API of a built project on PGlite (in memory) or on a fresh PostgreSQL database, migrated. */
export async function startApp(backend: "pglite" | "postgres", project: BuiltProject, options: AppOptions = {}): Promise<BankingApp> {
  let db: Database;
  let drop = async () => undefined as unknown;
  if (backend === "pglite") {
    db = pgliteDatabase(await openPglite());
  } else {
    const database = await createDatabase("fluvius_http");
    db = pgDatabase({ connectionString: options.connectVia?.(database.url) ?? database.url, max: 16 });
    drop = () => database.drop();
  }
  for (const sql of project.migrations) await db.exec(sql);
  const { domains } = await project.importGenerated<{ domains: DomainDefinition[] }>();
  const { readFileSync } = await import("node:fs");
  const openApi = JSON.parse(readFileSync(`${project.dir}/src/generated/openapi.json`, "utf8")) as Record<string, unknown>;
  const app = await createServer({
    store: createStore(db),
    domains,
    authenticate: createAuthenticator({ secret: SECRET, idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" }),
    basePath: options.basePath ?? "/api",
    ...(options.session === undefined ? {} : { session: options.session }),
    ...(options.tenantNameClaim === undefined ? {} : { tenantNameClaim: options.tenantNameClaim }),
    ...(options.live === undefined ? {} : { live: options.live }),
    openApi,
    name: "banking-app",
    version: "1.2.3",
  });
  return {
    app,
    db,
    domains,
    token: (subject, tenant, roles) => mintToken({ secret: SECRET, subject, tenant, roles }),
    async close() {
      await app.close();
      await db.close();
      await drop();
    },
  };
}
