import { describe, expect, it } from "vitest";
import { createPolicy, permissionMatches, type Actor } from "@fluvius/runtime";
import { bankingPolicy } from "../fixtures/banking-account.js";

const actor = (roles: string[], extra: Partial<Actor> = {}): Actor => ({ id: "u1", tenant: "t1", roles, ...extra });

describe("policy engine", () => {
  it("matches exact, aggregate-wide and global permissions", () => {
    expect(permissionMatches("account:deposit", "account:deposit")).toBe(true);
    expect(permissionMatches("account:*", "account:history")).toBe(true);
    expect(permissionMatches("account:*", "accounting:read")).toBe(false);
    expect(permissionMatches("*", "order:read")).toBe(true);
    expect(permissionMatches("account:read", "account:history")).toBe(false);
    // An auditor's `*:read`: reading every aggregate and view, nothing else.
    expect(permissionMatches("*:read", "account:read")).toBe(true);
    expect(permissionMatches("*:read", "owner-totals:read")).toBe(true);
    expect(permissionMatches("*:read", "account:history")).toBe(false);
    expect(permissionMatches("*:read", "account:deposit")).toBe(false);
    expect(permissionMatches("*:history", "account:history")).toBe(true);
  });

  it("`_id` and `_creator` conditions read the stream's facts, never the state", () => {
    const policy = createPolicy([
      { role: "writer", allow: ["note:*"], where: { _creator: { actor: "id" } } },
      { role: "self", allow: ["profile:read"], where: { _id: { actor: "id" } } },
    ]);
    const writer = actor(["writer"]);
    expect(policy.can(writer, "note:edit", {}, { _id: "n1", _creator: "u1" })).toBe(true);
    expect(policy.can(writer, "note:edit", {}, { _id: "n1", _creator: "u2" })).toBe(false);
    expect(policy.can(writer, "note:edit", { _creator: "u1" })).toBe(false); // a state field of that name grants nothing
    const id = "0b4c1e7a-5d2f-4c3b-9a1e-2f6d8c9b0a11";
    expect(policy.can(actor(["self"], { id }), "profile:read", {}, { _id: id, _creator: null })).toBe(true);
    expect(policy.can(actor(["self"], { id }), "profile:read", {}, { _id: "another", _creator: id })).toBe(false);
    expect(policy.filter(writer, "note:read")).toEqual({ kind: "where", anyOf: [[{ field: "_creator", equals: "u1" }]] });
  });

  it("denies by default: no role, unknown role, a permission no rule names", () => {
    expect(bankingPolicy.can(actor([]), "account:read")).toBe(false);
    expect(bankingPolicy.can(actor(["janitor"]), "account:read")).toBe(false);
    expect(bankingPolicy.can(actor(["auditor"]), "account:deposit")).toBe(false);
    expect(bankingPolicy.can(actor(["teller"]), "order:read")).toBe(false);
  });

  it("allows a `where` rule only when the state matches the actor", () => {
    const mine = { customerId: "u1" };
    const theirs = { customerId: "u2" };
    expect(bankingPolicy.can(actor(["customer"]), "account:deposit", mine)).toBe(true);
    expect(bankingPolicy.can(actor(["customer"]), "account:deposit", theirs)).toBe(false);
    expect(bankingPolicy.can(actor(["customer"]), "account:deposit")).toBe(false); // no state, no grant
    expect(bankingPolicy.mayAllow(actor(["customer"]), "account:deposit")).toBe(true);
    expect(bankingPolicy.mayAllow(actor(["customer"]), "account:close")).toBe(false);
    expect(bankingPolicy.can(actor(["customer", "auditor"]), "account:read", theirs)).toBe(true);
  });

  it("resolves tenant, claims and literals; a missing claim never matches", () => {
    const policy = createPolicy([
      { role: "manager", allow: ["order:read"], where: { region: { actor: "region" }, tenantId: { actor: "tenant" } } },
      { role: "viewer", allow: ["order:read"], where: { public: { value: true } } },
    ]);
    const manager = actor(["manager"], { claims: { region: "eu" } });
    expect(policy.can(manager, "order:read", { region: "eu", tenantId: "t1" })).toBe(true);
    expect(policy.can(manager, "order:read", { region: "us", tenantId: "t1" })).toBe(false);
    expect(policy.can(actor(["manager"]), "order:read", { region: undefined, tenantId: "t1" })).toBe(false);
    expect(policy.can(actor(["viewer"]), "order:read", { public: true })).toBe(true);
    expect(policy.can(actor(["viewer"]), "order:read", { public: "true" })).toBe(false);
  });

  it("describes what an actor may list, for turning into SQL", () => {
    expect(bankingPolicy.filter(actor(["teller"]), "account:read")).toEqual({ kind: "all" });
    expect(bankingPolicy.filter(actor(["customer"]), "account:read")).toEqual({ kind: "where", anyOf: [[{ field: "customerId", equals: "u1" }]] });
    expect(bankingPolicy.filter(actor(["customer", "auditor"]), "account:read")).toEqual({ kind: "all" });
    expect(bankingPolicy.filter(actor([]), "account:read")).toEqual({ kind: "none" });
    const claims = createPolicy([{ role: "r", allow: ["*"], where: { dept: { actor: "claims.dept" } } }]);
    expect(claims.filter(actor(["r"]), "x:read")).toEqual({ kind: "none" });
    expect(claims.filter(actor(["r"], { claims: { dept: 7 } }), "x:read")).toEqual({ kind: "where", anyOf: [[{ field: "dept", equals: 7 }]] });
  });

  it("reads a where on an array field as membership: the actor is one of the elements", () => {
    const policy = createPolicy([{ role: "owner", allow: ["doc:read"], where: { owners: { actor: "id" } } }]);
    expect(policy.can(actor(["owner"]), "doc:read", { owners: ["u0", "u1"] })).toBe(true);
    expect(policy.can(actor(["owner"]), "doc:read", { owners: ["u0"] })).toBe(false);
    expect(policy.can(actor(["owner"]), "doc:read", { owners: [] })).toBe(false);
    expect(policy.can(actor(["owner"]), "doc:read", { owners: "u1" })).toBe(true);
  });
});
