/** `fluvius dev` driven as a user drives it: the built CLI in a project, specs edited while it runs, the API asked over HTTP. */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";
import { buildProjectFromSpecs, editHandler } from "../helpers/project.js";
import { exited } from "../helpers/serve.js";

const NOTES = `domain: notes
aggregates:
  note:
    state:
      title: string
      archived: { type: boolean, default: false }
    actions:
      write:
        creates: true
        payload: { title: string }
        emits: written
    events:
      written:
        payload: { title: string }
        apply: { set: { title: $payload.title } }
policies:
  roles:
    writer: {}
  rules:
    - role: writer
      allow: [note:*]
`;

/** The spec with an `archive` action (and its event) and a `priority` state field. */
const WITH_ARCHIVE = NOTES.replace(
  "      archived: { type: boolean, default: false }\n",
  "      archived: { type: boolean, default: false }\n      priority: { type: integer, default: 0 }\n",
).replace(
  "        emits: written\n    events:\n",
  "        emits: written\n      archive:\n        emits: archived\n    events:\n      archived:\n        apply: { set: { archived: true } }\n",
);

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

interface Dev {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output matches `pattern` `times` times (default once), with the last match. */
  waitFor(pattern: RegExp, times?: number): Promise<RegExpMatchArray>;
}

function startDev(cwd: string, args: readonly string[] = []): Dev {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/run.js"), "dev", "--port", "0", "--debounce", "100", ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
  });
  running.push(child);
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return {
    child,
    output: () => output,
    waitFor(pattern, times = 1) {
      const global = new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`);
      return new Promise((resolve, reject) => {
        const check = () => {
          const matches = [...output.matchAll(global)];
          const last = matches.at(-1);
          if (matches.length >= times && last) {
            done();
            resolve(last);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`fluvius dev never printed ${pattern} (${times}×); it printed:\n${output}`));
        }, 90_000);
        const onExit = () => {
          done();
          reject(new Error(`fluvius dev exited before printing ${pattern}:\n${output}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", onExit);
        };
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
  };
}

describe("fluvius dev", () => {
  test("an edited spec is served after the next save; a wrong edit shows its diagnostic and the old server keeps its data", async () => {
    const project = buildProjectFromSpecs("dev", { "notes.yaml": NOTES });
    const spec = path.join(project.dir, "domains/notes.yaml");
    const token = runCli(["token", "--sub", "writer-1", "--tenant", "acme", "--role", "writer"], { cwd: project.dir }).stdout.trim();
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

    const dev = startDev(project.dir);
    const started = await dev.waitFor(/started at (http:\/\/127\.0\.0\.1:\d+)\/api/);
    const url = started[1] ?? "";
    // The committed migration is applied to the new development database first.
    expect(dev.output()).toContain("applied 0001_init.sql");

    const written = await fetch(`${url}/api/notes:write/note/:new`, { method: "POST", headers, body: JSON.stringify({ title: "before the edits" }) });
    expect(written.status).toBe(200);
    const id = ((await written.json()) as { data: { note: { _id: string } } }).data.note._id;
    const notYet = await fetch(`${url}/api/notes:archive/note/${id}`, { method: "POST", headers, body: "{}" });
    expect(notYet.status, "the archive action does not exist before the edit").toBe(404);

    // A good edit: a new action, its event and a new state field.
    writeFileSync(spec, WITH_ARCHIVE);
    await dev.waitFor(/restarted at http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(dev.output()).toContain("+ notes.note: add column priority (integer, default 0)");
    expect(dev.output()).toContain("stubs added to src/domain/notes/note.ts: handleArchive");
    const archived = await fetch(`${url}/api/notes:archive/note/${id}`, { method: "POST", headers, body: "{}" });
    expect(await archived.json(), "the new action is served by the restarted server on the same port").toMatchObject({
      status: "OK",
      data: { note: { _id: id, title: "before the edits", archived: true, priority: 0 } },
    });

    // A wrong edit: the diagnostic in the usual format, and the old server still answers.
    writeFileSync(spec, WITH_ARCHIVE.replace("emits: archived", "emits: archivd"));
    await dev.waitFor(/keeps running the last good version/);
    expect(dev.output()).toMatch(/domains\/notes\.yaml:\d+:\d+ error unknown-event: Action 'archive' emits 'archivd'/);
    const during = await fetch(`${url}/api/notes.note/${id}`, { headers });
    expect(during.status, "the old server still answers after the wrong edit").toBe(200);

    // A destructive edit (a state field dropped) is refused: the database keeps the column and its data.
    writeFileSync(spec, WITH_ARCHIVE.replace("      priority: { type: integer, default: 0 }\n", ""));
    await dev.waitFor(/keeps running the last good version/, 2);
    expect(dev.output()).toContain("error destructive-change");
    expect((await fetch(`${url}/api/notes.note/${id}`, { headers })).status).toBe(200);

    // A migration the data refuses (a unique title over two notes with the same title): rolled back, the server stays.
    const twin = await fetch(`${url}/api/notes:write/note/:new`, { method: "POST", headers, body: JSON.stringify({ title: "before the edits" }) });
    expect(twin.status).toBe(200);
    writeFileSync(spec, WITH_ARCHIVE.replace("      title: string\n", "      title: { type: string, unique: true }\n"));
    await dev.waitFor(/keeps running the last good version/, 3);
    expect(dev.output()).toContain("error unique-over-duplicates");
    expect(dev.output()).toContain("the development migration could not be applied");
    expect((await fetch(`${url}/api/notes.note/${id}`, { headers })).status, "the old server still answers after the refused migration").toBe(200);

    // Back to a good spec, and a hand-written handler edit: restarted, the data made before the bad edits is there.
    writeFileSync(spec, WITH_ARCHIVE);
    await dev.waitFor(/restarted at/, 2);
    editHandler(project.dir, "src/domain/notes/note.ts", "data: { title: payload.title }", "data: { title: payload.title.toUpperCase() }");
    await dev.waitFor(/restarted at/, 3);
    const kept = await fetch(`${url}/api/notes.note/${id}`, { headers });
    expect(await kept.json(), "the note written before the wrong edit is still in the development database").toMatchObject({
      _id: id,
      title: "before the edits",
      archived: true,
    });
    const shouted = await fetch(`${url}/api/notes:write/note/:new`, { method: "POST", headers, body: JSON.stringify({ title: "edited handler" }) });
    expect(await shouted.json(), "the edited handler runs after the restart").toMatchObject({ data: { note: { title: "EDITED HANDLER" } } });

    dev.child.kill("SIGTERM");
    expect(await exited(dev.child)).toBe(0);

    // The development migration becomes a named, committed one; `migrate up` records it without running it again.
    const status = runCli(["migrate", "status"], { cwd: project.dir });
    expect(status.stdout).toContain("1 development migration of `fluvius dev` applied on top");
    const named = runCli(["migrate", "new", "add-archive"], { cwd: project.dir });
    expect(named.status, named.stderr).toBe(0);
    expect(readFileSync(path.join(project.dir, "migrations/0002_add_archive.sql"), "utf8")).toContain("priority");
    const up = runCli(["migrate", "up"], { cwd: project.dir });
    expect(up.stdout, up.stderr).toContain("adopted 0002_add_archive.sql");
    expect(up.status).toBe(0);
    const after = runCli(["migrate", "status"], { cwd: project.dir });
    expect(after.stdout).toMatch(/applied\s+0002_add_archive\.sql/);
    expect(after.stdout).not.toContain("development migration");
  }, 300_000);
});
