import { randomBytes } from "node:crypto";
import pg from "pg";
import type { FastifyInstance } from "fastify";
import { createAuthenticator, createServer, mintToken } from "fluvius/http";
import { createStore, openPglite, pgDatabase, pgliteDatabase, type Database, type DomainDefinition } from "fluvius/runtime";
import { buildProject, editHandler } from "../helpers/project.js";

export const SERVER_URL = process.env["FLUVIUS_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test";
export const SECRET = "test-secret-of-at-least-32-characters!";

export interface BankingApp {
  readonly app: FastifyInstance;
  readonly db: Database;
  token(subject: string, tenant: string, roles: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/** The banking project with the "no overdraft" rule written into its withdraw handler. */
export function bankingProject() {
  return buildProject("banking", (dir) => {
    const file = "src/domain/banking/account.ts";
    editHandler(dir, file, "import type * as types", 'import { BusinessRuleError, compare } from "fluvius/runtime";\nimport type * as types');
    editHandler(
      dir,
      file,
      "export const handleWithdraw: types.WithdrawHandler = ({ payload }) => {\n",
      'export const handleWithdraw: types.WithdrawHandler = ({ state, payload }) => {\n  if (compare(state.balance, payload.amount) < 0) {\n    throw new BusinessRuleError("insufficient-funds", `The balance ${state.balance} does not cover ${payload.amount}.`);\n  }\n',
    );
  });
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The API of the banking example on PGlite (in memory) or on a fresh PostgreSQL database. */
export async function startBankingApp(backend: "pglite" | "postgres"): Promise<BankingApp> {
  const project = bankingProject();
  let db: Database;
  let drop = async () => undefined as unknown;
  if (backend === "pglite") {
    db = pgliteDatabase(await openPglite());
  } else {
    const name = `fluvius_http_${randomBytes(6).toString("hex")}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    db = pgDatabase({ connectionString: SERVER_URL.replace(/\/[^/]*$/, `/${name}`), max: 16 });
    drop = () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
  for (const sql of project.migrations) await db.exec(sql);
  const { domains } = await project.importGenerated<{ domains: DomainDefinition[] }>();
  const { readFileSync } = await import("node:fs");
  const openApi = JSON.parse(readFileSync(`${project.dir}/src/generated/openapi.json`, "utf8")) as Record<string, unknown>;
  const app = await createServer({
    store: createStore(db),
    domains,
    authenticate: createAuthenticator({ secret: SECRET, idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" }),
    basePath: "/api",
    openApi,
    name: "banking-app",
    version: "1.2.3",
  });
  return {
    app,
    db,
    token: (subject, tenant, roles) => mintToken({ secret: SECRET, subject, tenant, roles }),
    async close() {
      await app.close();
      await db.close();
      await drop();
    },
  };
}
