import { describe, expect, test } from "vitest";
import { aggregateQueryFields } from "@fluvius/runtime/internal/runtime/read/aggregate-list";
import { InvalidQueryError } from "@fluvius/runtime/internal/runtime/read/errors";
import { parseFilter } from "@fluvius/runtime/internal/runtime/read/filter";

const readModel = {
  schema: "desk",
  table: "ticket",
  columns: [
    { field: "title", column: "title", kind: "string" as const },
    { field: "extra", column: "extra", kind: "json" as const },
    { field: "contact", column: "contact", kind: "object" as const },
    { field: "total", column: "total", kind: "decimal" as const },
  ],
};
const fields = new Map(
  aggregateQueryFields(readModel, [
    { name: "title", kind: "string" },
    { name: "extra", kind: "json" },
    { name: "contact", kind: "object" },
    { name: "total", kind: "decimal" },
  ]).map((f) => [f.name, f]),
);

function refusal(query: unknown): InvalidQueryError {
  try {
    parseFilter(query, fields);
  } catch (error) {
    if (error instanceof InvalidQueryError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(query)} was accepted`);
}

describe("filtering a field that cannot be filtered", () => {
  test.each([
    ["extra", "json"],
    ["contact", "object"],
  ])("%s (%s) is a 400 saying such fields cannot be filtered, listing the fields that can with their operators", (field, kind) => {
    for (const key of [field, `${field}.eq`, `${field}.has`, `${field}!ne`]) {
      const error = refusal({ [key]: "x" });
      expect(error.status).toBe(400);
      expect(error.message).toBe(
        `Field '${field}' is a ${kind} field, and ${kind} fields cannot be filtered (nor sorted). Fields that can be filtered, with their operators: ` +
          "title (has, eq, ne), total (eq, gt, gte, lt, lte), _id (eq, in, ne), _version (eq, gt, gte, lt, lte), _created (eq, gt, gte, lt, lte, between), " +
          "_updated (eq, gt, gte, lt, lte, between), _creator (has, eq, ne), _updater (has, eq, ne).",
      );
      expect(error.details).toMatchObject({ field, operators: [], filterable: { title: ["has", "eq", "ne"], total: ["eq", "gt", "gte", "lt", "lte"] } });
      expect(Object.keys(error.details.filterable as object)).not.toContain("extra");
    }
  });

  test("a filterable field with a wrong operator still names the operators it takes", () => {
    expect(refusal({ "title.gt": "a" }).message).toBe("Operator 'gt' does not apply to field 'title' (string); use has, eq, ne.");
  });

  test("a long list of filterable fields is cut in the message and complete in the details", () => {
    const many = new Map(
      aggregateQueryFields({ schema: "s", table: "t", columns: [] }, [
        { name: "blob", kind: "json" as const },
        ...Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, kind: "integer" as const })),
      ]).map((f) => [f.name, f]),
    );
    let error: unknown;
    try {
      parseFilter({ blob: 1 }, many);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidQueryError);
    const refused = error as InvalidQueryError;
    expect(refused.message).toContain("f11 (eq, gt, gte, lt, lte) and 14 more (errdata.filterable).");
    expect(Object.keys(refused.details.filterable as object)).toHaveLength(26);
  });
});
