import { describe, expect, test } from "vitest";
import { writingCounter } from "../../src/cli/progress.js";

describe("the writing counter of a long generate", () => {
  test("a few files: no counter", () => {
    expect(writingCounter(199, () => undefined)).toBeUndefined();
  });

  test("many files: one line redrawn every 50 files, with the total, cleared at the end", () => {
    const written: string[] = [];
    const counter = writingCounter(230, (text) => written.push(text))!;
    for (let done = 1; done <= 230; done++) counter(done);
    expect(written).toEqual(["\rwriting 50/230", "\rwriting 100/230", "\rwriting 150/230", "\rwriting 200/230", "\rwriting 230/230", "\r\u001b[2K"]);
  });
});
