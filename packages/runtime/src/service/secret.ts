import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ServiceConfig } from "./config.js";

export interface Secret {
  readonly secret: string;
  /** Where it came from, for the message `serve` prints. */
  readonly source: "environment" | "development";
}

/**
 * The HS256 secret tokens are signed and verified with: the environment variable named in
 * fluvius.yaml (default FLUVIUS_JWT_SECRET), else a development secret created once in the
 * project's .fluvius/ folder, so `fluvius token` and `fluvius serve` agree with no setup.
 */
export function resolveSecret(config: Pick<ServiceConfig, "auth">, root: string, env: NodeJS.ProcessEnv = process.env): Secret {
  const fromEnv = secretFromEnv(config, env);
  if (fromEnv !== undefined) return { secret: fromEnv, source: "environment" };
  const file = path.join(root, ".fluvius", "dev-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  }
  return { secret: readFileSync(file, "utf8").trim(), source: "development" };
}

/** The secret from the environment variable fluvius.yaml names (auth.secretEnv), if it is set. */
export function secretFromEnv(config: Pick<ServiceConfig, "auth">, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[config.auth.secretEnv];
  return value === undefined || value === "" ? undefined : value;
}
