import { expect, test } from "vitest";
import { canonicalValue } from "@fluvius/runtime/internal/runtime/canonical";
import { canonicalId } from "@fluvius/runtime/internal/runtime/actor";
import { createPolicy } from "@fluvius/runtime/internal/runtime/policy";

const money = { type: "string", "x-decimal": { scale: 2 } };
const schema = {
  type: "object",
  properties: {
    amount: money,
    plain: { type: "string", "x-decimal": {} },
    at: { type: "string", format: "date-time" },
    on: { type: "string", format: "date" },
    id: { type: "string", format: "uuid" },
    rows: { type: "array", items: { type: "object", properties: { price: money, when: { type: "string", format: "date-time" } } } },
    blob: {},
  },
};

test("canonical spelling: decimals to their scale, date-times to UTC ms, uuids lower case, all the way down", () => {
  const value = canonicalValue(schema, {
    rows: [{ when: "2026-01-01T00:00:00.5-01:00", price: "-0.004" }],
    amount: "5",
    plain: "5",
    at: "2016-12-31T23:59:60Z",
    on: "2026-01-01",
    id: "0E9B0A4C-1F5D-4C7A-9B57-7D0F9E0B6A11",
    blob: { x: "5", y: "ABC" },
    extra: "kept",
  });
  expect(value).toEqual({
    amount: "5.00",
    plain: "5",
    at: "2017-01-01T00:00:00.000Z",
    on: "2026-01-01",
    id: "0e9b0a4c-1f5d-4c7a-9b57-7d0f9e0b6a11",
    rows: [{ price: "0.00", when: "2026-01-01T01:00:00.500Z" }],
    blob: { x: "5", y: "ABC" },
    extra: "kept",
  });
  // Keys in jsonb's order (shorter first, then bytewise), as the event log and read model return them.
  expect(Object.keys(value as object)).toEqual(["at", "id", "on", "blob", "rows", "extra", "plain", "amount"]);
});

test("uuids in `where` compare in lower case; other strings exactly", () => {
  expect(canonicalId("ABC")).toBe("ABC");
  const policy = createPolicy([{ role: "c", allow: ["a:read"], where: { ownerId: { actor: "id" } } }]);
  const id = "0e9b0a4c-1f5d-4c7a-9b57-7d0f9e0b6a11";
  const actor = { id: id.toUpperCase(), tenant: "t", roles: ["c"] };
  expect(policy.can(actor, "a:read", { ownerId: id })).toBe(true);
  expect(policy.filter(actor, "a:read")).toEqual({ kind: "where", anyOf: [[{ field: "ownerId", equals: id }]] });
  expect(policy.can({ ...actor, id: "Alice" }, "a:read", { ownerId: "alice" })).toBe(false);
});
