import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { type Actor, canonicalId } from "../runtime/actor.js";
import { UNSTORABLE_MESSAGE, unstorablePath } from "../runtime/text.js";
import { UnauthorizedError } from "./errors.js";

/** How claims become the actor, and how tokens are verified (fluvius.yaml `auth:`). */
export interface AuthOptions {
  /** HS256 shared secret. */
  readonly secret?: string;
  /** Verify against a JSON Web Key Set instead (RS256/ES256… from an identity provider). */
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly idClaim: string;
  readonly tenantClaim: string;
  /** A claim name or a dotted path, e.g. `realm_access.roles` (Keycloak). */
  readonly rolesClaim: string;
}

export interface Authenticated {
  readonly actor: Actor;
  readonly claims: JWTPayload;
}

export type Authenticator = (authorization: string | undefined) => Promise<Authenticated>;

export function createAuthenticator(options: AuthOptions): Authenticator {
  if (options.secret === undefined && options.jwksUrl === undefined) throw new Error("Authentication needs a secret or a JWKS URL.");
  const verifyOptions = {
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.jwksUrl === undefined ? { algorithms: ["HS256"] } : {}),
  };
  const verify =
    options.jwksUrl !== undefined
      ? (
          (jwks) => (token: string) =>
            jwtVerify(token, jwks, verifyOptions)
        )(createRemoteJWKSet(new URL(options.jwksUrl)))
      : (
          (secret) => (token: string) =>
            jwtVerify(token, secret, verifyOptions)
        )(new TextEncoder().encode(options.secret));
  const verified = new VerifiedTokens();
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    const token = match?.[1];
    if (token === undefined) throw new UnauthorizedError("Send `Authorization: Bearer <token>`.");
    const known = verified.get(token);
    if (known !== undefined) return known;
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await verify(token));
    } catch (error) {
      throw new UnauthorizedError(`The token is not valid: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (unstorablePath(claims) !== undefined) throw new UnauthorizedError(`The token's claims ${UNSTORABLE_MESSAGE}.`);
    const authenticated = { actor: actorFrom(claims, options), claims };
    verified.set(token, authenticated);
    return authenticated;
  };
}

/**
 * Tokens verified in the last minute, by their exact text (signature included), so a client
 * sending the same token on every request pays for one signature check a minute instead of
 * one per request. An entry never outlives the token's `exp`; only successes are kept; the
 * short lifetime bounds how long a key removed from a JWKS keeps being honoured.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { readonly value: Authenticated; readonly until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 60_000,
  ) {}

  get(token: string): Authenticated | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (Date.now() < entry.until) return entry.value;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, value: Authenticated): void {
    const exp = value.claims.exp;
    const until = Math.min(Date.now() + this.ttlMs, exp === undefined ? Infinity : exp * 1000);
    if (this.entries.size >= this.maxEntries) {
      // Drop the oldest entry (a Map iterates in insertion order).
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, until });
  }
}

function claimAt(claims: JWTPayload, path: string): unknown {
  if (path in claims) return claims[path];
  return path
    .split(".")
    .reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), claims);
}

const REACTION_PREFIX = "reaction:";

export function actorFrom(claims: JWTPayload, options: Pick<AuthOptions, "idClaim" | "tenantClaim" | "rolesClaim">): Actor {
  const id = claimAt(claims, options.idClaim);
  const tenant = claimAt(claims, options.tenantClaim);
  const roles = claimAt(claims, options.rolesClaim);
  if (typeof id !== "string" || id === "") throw new UnauthorizedError(`The token has no '${options.idClaim}' claim (the actor's id).`);
  if (typeof id === "string" && id.length > 200) throw new UnauthorizedError(`The token's '${options.idClaim}' claim is longer than 200 characters.`);
  if (typeof tenant !== "string" || tenant === "" || tenant === "*" || tenant.length > 200)
    throw new UnauthorizedError(`The token has no '${options.tenantClaim}' claim (the tenant).`);
  const roleList = Array.isArray(roles)
    ? roles.filter((r): r is string => typeof r === "string")
    : typeof roles === "string"
      ? roles.split(/[\s,]+/).filter(Boolean)
      : [];
  // Reactions' commands run as `reaction:<domain>.<name>` (id and role): no token may pass for one.
  if (id.startsWith(REACTION_PREFIX) || roleList.some((r) => r.startsWith(REACTION_PREFIX))) {
    throw new UnauthorizedError(`The token names an actor or role starting with '${REACTION_PREFIX}', which is reserved for reactions.`);
  }
  // A UUID subject in lower case: it is what `$meta.actorId` records and `where` compares.
  return { id: canonicalId(id), tenant, roles: roleList, claims };
}

export interface TokenRequest {
  readonly secret: string;
  readonly subject: string;
  readonly tenant: string;
  readonly roles: readonly string[];
  readonly claims?: Readonly<Record<string, unknown>>;
  /** e.g. "8h". */
  readonly expiresIn?: string;
  readonly names?: Partial<Pick<AuthOptions, "idClaim" | "tenantClaim" | "rolesClaim">>;
}

/** A development token signed with the local secret (`fluvius token`). */
export async function mintToken(request: TokenRequest): Promise<string> {
  const tenantClaim = request.names?.tenantClaim ?? "tenant";
  const rolesClaim = request.names?.rolesClaim ?? "roles";
  const idClaim = request.names?.idClaim ?? "sub";
  const payload: Record<string, unknown> = { ...request.claims, [tenantClaim]: request.tenant };
  if (idClaim !== "sub") setPath(payload, idClaim, request.subject);
  setPath(payload, rolesClaim, [...request.roles]);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(request.subject)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? "8h")
    .sign(new TextEncoder().encode(request.secret));
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = next !== null && typeof next === "object" ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] ?? path] = value;
}
