import { describe, expect, test } from "vitest";
import { replacement } from "../../src/lsp/quick-fix.js";

const apply = (flagged: string, suggestion: string) => {
  const r = replacement(flagged, suggestion);
  return r && flagged.slice(0, r.from) + suggestion + flagged.slice(r.to);
};

describe("a did-you-mean quick fix replaces only the misspelled word of the flagged text", () => {
  test("type modifiers and permission prefixes stay", () => {
    expect(apply("Mony?", "Money")).toBe("Money?");
    expect(apply("Mony[]", "Money")).toBe("Money[]");
    expect(apply("account:depost", "deposit")).toBe("account:deposit");
    expect(apply("deposit-mde", "deposit-made")).toBe("deposit-made");
  });

  test("a suggestion with punctuation replaces the whole reference", () => {
    expect(apply("$event.dat.amount", "$event.data.amount")).toBe("$event.data.amount");
  });
});
