import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createAuthenticator, mintToken } from "@fluvius/runtime/internal/http/auth";
import { UnauthorizedError } from "@fluvius/runtime/internal/http/errors";

const names = { idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" };
const secret = "a-secret-of-at-least-thirty-two-bytes!!";

afterEach(() => {
  vi.useRealTimers();
});

describe("authentication", () => {
  test("HS256: a minted token becomes the actor; another secret, expiry and missing claims are 401", async () => {
    const authenticate = createAuthenticator({ secret, ...names });
    const token = await mintToken({ secret, subject: "alice", tenant: "acme", roles: ["teller", "auditor"], claims: { branch: "north" } });
    const { actor } = await authenticate(`Bearer ${token}`);
    expect(actor).toMatchObject({ id: "alice", tenant: "acme", roles: ["teller", "auditor"] });
    expect(actor.claims?.branch).toBe("north");

    await expect(createAuthenticator({ secret: `${secret}x`, ...names })(`Bearer ${token}`)).rejects.toBeInstanceOf(UnauthorizedError);
    const expired = await mintToken({ secret, subject: "alice", tenant: "acme", roles: [], expiresIn: "-1m" });
    await expect(authenticate(`Bearer ${expired}`)).rejects.toThrow(/not valid/);
    const noTenant = await new SignJWT({ roles: [] }).setProtectedHeader({ alg: "HS256" }).setSubject("x").sign(new TextEncoder().encode(secret));
    await expect(authenticate(`Bearer ${noTenant}`)).rejects.toThrow(/tenant/);
    await expect(authenticate(undefined)).rejects.toBeInstanceOf(UnauthorizedError);
    // "none" and other algorithms are refused for a shared secret.
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"x","tenant":"acme"}').toString("base64url")}.`;
    await expect(authenticate(`Bearer ${unsigned}`)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  test("a verified token is remembered for a minute at most, and never past its expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const authenticate = createAuthenticator({ secret, ...names });
    const shortLived = await mintToken({ secret, subject: "alice", tenant: "acme", roles: ["teller"], expiresIn: "30s" });
    const longLived = await mintToken({ secret, subject: "bob", tenant: "acme", roles: ["teller"], expiresIn: "1h" });
    const first = await authenticate(`Bearer ${longLived}`);
    expect(await authenticate(`Bearer ${longLived}`)).toBe(first); // answered from memory
    await authenticate(`Bearer ${shortLived}`);
    vi.setSystemTime(start + 45_000);
    await expect(authenticate(`Bearer ${shortLived}`)).rejects.toThrow(/not valid/);
    vi.setSystemTime(start + 61_000);
    const again = await authenticate(`Bearer ${longLived}`);
    expect(again).not.toBe(first); // verified afresh
    expect(again.actor).toEqual(first.actor);
    // A tampered token is never taken for a remembered one.
    await expect(authenticate(`Bearer ${longLived.slice(0, -2)}xx`)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  test("claim names come from configuration: Keycloak-style org and realm_access.roles", async () => {
    const keycloak = { idClaim: "sub", tenantClaim: "org", rolesClaim: "realm_access.roles" };
    const token = await mintToken({ secret, subject: "bob", tenant: "initech", roles: ["customer"], names: keycloak });
    const { actor } = await createAuthenticator({ secret, ...keycloak })(`Bearer ${token}`);
    expect(actor).toMatchObject({ id: "bob", tenant: "initech", roles: ["customer"] });
  });

  test("JWKS: tokens of an identity provider (RS256), with issuer and audience checked", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    const server = createHttpServer((_, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const authenticate = createAuthenticator({
        jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
        issuer: "https://idp.example",
        audience: "bank-api",
        ...names,
      });
      const sign = (claims: Record<string, unknown>, issuer = "https://idp.example") =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: "RS256", kid: "k1" })
          .setSubject("carol")
          .setIssuer(issuer)
          .setAudience("bank-api")
          .setExpirationTime("5m")
          .sign(privateKey);
      const { actor } = await authenticate(`Bearer ${await sign({ tenant: "acme", roles: "teller auditor" })}`);
      expect(actor).toMatchObject({ id: "carol", tenant: "acme", roles: ["teller", "auditor"] });
      await expect(authenticate(`Bearer ${await sign({ tenant: "acme" }, "https://evil.example")}`)).rejects.toBeInstanceOf(UnauthorizedError);
    } finally {
      server.close();
    }
  });
});
