import { describe, expect, it } from "vitest";
import { add, compare, isDecimal, normalise, subtract } from "@fluvius/runtime";

describe("exact decimals", () => {
  it("adds and subtracts without float error, keeping the larger scale", () => {
    expect(add("0.10", "0.20")).toBe("0.30");
    expect(add("0.1", "0.2")).toBe("0.3");
    expect(add("1", "0.05")).toBe("1.05");
    expect(subtract("10.00", "0.01")).toBe("9.99");
    expect(subtract("0.00", "5.00")).toBe("-5.00");
    expect(add("12345678901234567890.12", "0.01")).toBe("12345678901234567890.13");
  });

  it("never answers with a negative zero", () => {
    expect(add("-0.10", "0.10")).toBe("0.00");
    expect(normalise("-0.001", 2)).toBe("0.00");
  });

  it("compares by value, not by spelling", () => {
    expect(compare("1.0", "1.00")).toBe(0);
    expect(compare("9.99", "10")).toBe(-1);
    expect(compare("-1", "-2")).toBe(1);
  });

  it("normalises to a scale, rounding half away from zero like PostgreSQL", () => {
    expect(normalise("2.5", 2)).toBe("2.50");
    expect(normalise("2.345", 2)).toBe("2.35");
    expect(normalise("-2.345", 2)).toBe("-2.35");
  });

  it("refuses what is not a plain decimal string", () => {
    for (const bad of ["1e3", "", " 1", "1.", ".5", "NaN", "0x10"]) {
      expect(isDecimal(bad)).toBe(false);
      expect(() => add(bad, "1")).toThrow(TypeError);
    }
    expect(() => add(0.1 as unknown as string, "1")).toThrow(TypeError);
  });
});
