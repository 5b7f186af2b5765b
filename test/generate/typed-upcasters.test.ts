/**
 * A version bump with the event lock: the upcaster stub of the step is typed from the data the
 * lock recorded for the old version to the new version's data, throws until written, and a
 * written one is what `given()` reads old-version events through.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { serializeLock } from "../../src/breaking/lock.js";
import { given, type AggregateDefinition, type EventShape } from "@fluvius/runtime";
import { typecheck } from "../helpers/typecheck.js";
import { buildProjectFromSpecs, replaceStub } from "../helpers/project.js";

const SPEC = `domain: notes
aggregates:
  note:
    state: { text: string?, author: string? }
    actions:
      write: { creates: true, payload: { text: string, author: string }, emits: note-written }
      touch: { emits: note-touched }
    events:
      note-written:
        version: 2
        payload: { text: string, author: string }
        apply: { set: { text: $payload.text, author: $payload.author } }
      note-touched: {}
`;
// Version 1 of note-written had one field, \`body\`: what stored events hold.
const LOCK = serializeLock({
  lockVersion: 1,
  events: { "notes.note.note-written": { "1": { body: { type: "string" } } }, "notes.note.note-touched": { "1": {} } },
});

const UPCASTER = `export const upcastNoteWrittenV1: types.NoteWrittenUpcasterV1 = (data) => ({ text: data.body, author: "unknown" });`;

describe("typed upcasters from the event lock", () => {
  let stub = "";
  const project = buildProjectFromSpecs(
    "typed-upcasters",
    { "notes.yaml": SPEC },
    (dir) => {
      // A touch changes nothing in the state: its evolve step, written, returns the state as it is.
      replaceStub(dir, "src/domain/notes/note.ts", "evolveNoteTouched", "export const evolveNoteTouched: types.NoteTouchedEvolver = (state) => state;");
      const file = path.join(dir, "src/domain/notes/note.ts");
      const text = readFileSync(file, "utf8");
      const start = text.indexOf("export const upcastNoteWrittenV1");
      stub = text.slice(start, text.indexOf("};", start) + 2);
      const edited = `${text.slice(0, start)}${UPCASTER}${text.slice(text.indexOf("};", start) + 2)}`;
      // The stub was the last use of HandlerNotImplementedError.
      const unused = edited.split("HandlerNotImplementedError").length === 2;
      writeFileSync(file, unused ? edited.replace(/import \{ HandlerNotImplementedError \} from "@fluvius\/runtime";\n/, "") : edited);
    },
    { "fluvius.lock.json": LOCK },
  );

  test("the stub reads the locked version's data and throws until written; the generated type says both versions", () => {
    expect(stub).toContain("export const upcastNoteWrittenV1: types.NoteWrittenUpcasterV1 = () =>");
    expect(stub).toContain("throw new HandlerNotImplementedError");
    const generated = readFileSync(path.join(project.dir, "src/generated/notes/note.ts"), "utf8");
    expect(generated).toMatch(/export type NoteWrittenDataV1 = \{\s*readonly body: string;?\s*\}/);
    expect(generated).toMatch(/export type NoteWrittenUpcasterV1 = \(\s*data: NoteWrittenDataV1,?\s*\) => NoteWrittenData;/);
    // Generate recorded version 2 next to version 1.
    const lock = JSON.parse(readFileSync(path.join(project.dir, "fluvius.lock.json"), "utf8")) as { events: Record<string, Record<string, unknown>> };
    expect(Object.keys(lock.events["notes.note.note-written"] ?? {})).toEqual(["1", "2"]);
  });

  test("given() starts from a stored version-1 event, read through the written upcaster", async () => {
    const { domains } = await project.importGenerated<{
      domains: { aggregates: { definition: AggregateDefinition<{ text?: string; author?: string }, EventShape, { touch: Record<string, never> }> }[] }[];
    }>();
    const note = domains[0]?.aggregates[0]?.definition;
    if (!note) throw new Error("no note aggregate");
    await given(note, [{ type: "note-written", version: 1, data: { body: "hello" } }])
      .when("touch", {})
      .thenState({ text: "hello", author: "unknown" });
  });

  test("the written upcaster compiles; one that returns the wrong data does not", () => {
    const tree = () => new Map(srcFiles(project.dir).map((f) => [f, readFileSync(path.join(project.dir, "src", f), "utf8")]));
    const ok = typecheck(new Map([["project", tree()]]));
    expect(ok.output).toBe("");
    const file = path.join(project.dir, "src/domain/notes/note.ts");
    const written = readFileSync(file, "utf8");
    writeFileSync(file, written.replace('({ text: data.body, author: "unknown" })', "({ text: data.body })"));
    try {
      const wrong = typecheck(new Map([["project", tree()]]));
      expect(wrong.status).not.toBe(0);
      expect(wrong.output).toContain("author");
    } finally {
      writeFileSync(file, written);
    }
  }, 60_000);
});

function srcFiles(dir: string): string[] {
  return readdirSync(path.join(dir, "src"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.split(path.sep).join("/"));
}
