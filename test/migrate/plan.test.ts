import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { catalog } from "../../src/diagnostics/catalog.js";
import { DiagnosticCollector } from "../../src/diagnostics/collector.js";
import { resolveConfig } from "../../src/load/config.js";
import { lockEmbeddedDatabase } from "@fluvius/runtime/internal/runtime/db/embedded-lock";
import { chooseTarget, describeUrl, openTarget } from "../../src/migrate/target.js";
import { migrationDrift } from "../../src/migrate/plan.js";
import { slugify } from "../../src/migrate/render.js";
import { splitStatements } from "../../src/migrate/split.js";
import { compiled, evolutionSpecs, lines, migrateNew, mustMigrate, project, read, setSpecs } from "./helpers/project.js";

const enc = (text: string) => new TextEncoder().encode(text);

describe("migrate new: the migrations folder", () => {
  test("numbers migrations, writes a snapshot with each, and never touches an existing migration", async () => {
    const host = project(evolutionSpecs("v1"));
    const first = await mustMigrate(host, "Init!");
    expect(first.migration.name).toBe("0001_init.sql");
    const before = read(host, "migrations/0001_init.sql");
    setSpecs(host, evolutionSpecs("v2"));
    const second = await mustMigrate(host, "add invoices");
    expect(second.migration.displayPath).toBe("migrations/0002_add_invoices.sql");
    expect(second.snapshot.displayPath).toBe("migrations/meta/0002_snapshot.json");
    expect(read(host, "migrations/0001_init.sql")).toBe(before);
    expect(JSON.parse(read(host, "migrations/meta/0002_snapshot.json") ?? "{}")).toMatchObject({ format: 1, migration: "0002_add_invoices.sql" });
  });

  test("the output is deterministic: the same spec gives byte-identical files, without timestamps", async () => {
    const a = await mustMigrate(project(evolutionSpecs("v3")), "init");
    const b = await mustMigrate(project(evolutionSpecs("v3")), "init");
    expect(a.migration.content).toBe(b.migration.content);
    expect(a.snapshot.content).toBe(b.snapshot.content);
    expect(a.migration.content).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  test("a hand-written migration is numbered in, and the next one is compared with the snapshot before it", async () => {
    const host = project(evolutionSpecs("v1"));
    await mustMigrate(host, "init");
    host.files.set("/project/migrations/0002_backfill.sql", enc("UPDATE shop.customer SET vip = true;\n"));
    setSpecs(host, evolutionSpecs("v2"));
    const next = await mustMigrate(host, "v2");
    expect(next.migration.name).toBe("0003_v2.sql");
    expect(next.changes.map((c) => c.summary)).toContain("shop.customer: rename column name to full_name (fullName renamedFrom name)");
  });

  test("a deleted unapplied migration can be regenerated: its leftover snapshot is ignored, then replaced", async () => {
    const host = project(evolutionSpecs("v1"));
    await mustMigrate(host, "init");
    setSpecs(host, evolutionSpecs("v2"));
    await mustMigrate(host, "v2-draft");
    host.files.delete("/project/migrations/0002_v2_draft.sql");
    const again = await mustMigrate(host, "v2");
    expect(again.migration.name).toBe("0002_v2.sql");
    expect(again.changes.length).toBeGreaterThan(3);
  });

  test("an unreadable migration (not UTF-8) is reported", async () => {
    const host = project(evolutionSpecs("v1"));
    await mustMigrate(host, "init");
    host.files.set("/project/migrations/0002_latin1.sql", new Uint8Array([0x2d, 0x2d, 0x20, 0xe9, 0x0a]));
    const plan = await migrateNew(host, "x");
    expect(lines(plan.diagnostics)).toEqual(["migrations/0002_latin1.sql:1:1 error migration-unreadable"]);
  });

  test("a missing or broken snapshot, a misnamed file and two migrations with one number are reported", async () => {
    const host = project(evolutionSpecs("v1"));
    await mustMigrate(host, "init");
    host.files.set("/project/migrations/meta/0001_snapshot.json", enc("<<<<<<< HEAD\n{}"));
    let plan = await migrateNew(host, "x");
    expect(lines(plan.diagnostics)).toEqual(["migrations/meta/0001_snapshot.json:1:1 error invalid-migration-snapshot"]);
    expect(plan.diagnostics[0]?.message).toContain("it is not valid JSON");

    host.files.delete("/project/migrations/meta/0001_snapshot.json");
    plan = await migrateNew(host, "x");
    expect(lines(plan.diagnostics)).toEqual(["migrations:1:1 error migration-snapshot-missing"]);

    const other = project(evolutionSpecs("v1"));
    await mustMigrate(other, "init");
    other.files.set("/project/migrations/0001_other.sql", enc("SELECT 1;"));
    other.files.set("/project/migrations/notes.sql", enc("SELECT 1;"));
    plan = await migrateNew(other, "x");
    expect(plan.status).toBe("invalid");
    expect(lines(plan.diagnostics)).toEqual([
      "migrations/0001_other.sql:1:1 error duplicate-migration-number",
      "migrations/notes.sql:1:1 error invalid-migration-file-name",
    ]);
  });
});

describe("migrationDrift (for generate --check)", () => {
  test("lists what no migration captures; empty once a migration does", async () => {
    const host = project(evolutionSpecs("v1"));
    const drift = async () => {
      const { config, model } = await compiled(host);
      return migrationDrift(model, config, host);
    };
    expect((await drift()).changes).toContain("shop.order: create the read model of aggregate 'order'");
    await mustMigrate(host, "init");
    expect(await drift()).toEqual({ changes: [], diagnostics: [] });
    setSpecs(host, evolutionSpecs("v2"));
    expect((await drift()).changes).toContain("shop.order: add column shipped_at (shippedAt: datetime?)");
  });
});

describe("which database", () => {
  test("--database-url, else $DATABASE_URL (postgres:// or an embedded folder), else the embedded default", () => {
    const config = resolveConfig("/project", { database: { urlEnv: "APP_DB" } });
    const choose = (url: string | undefined, env: Record<string, string>) => {
      const diagnostics = new DiagnosticCollector();
      const choice = chooseTarget({ config, cwd: "/project", env, ...(url === undefined ? {} : { url }) }, diagnostics);
      return choice ?? diagnostics.sorted().map((d) => d.message);
    };
    expect(choose(undefined, {})).toEqual({ kind: "pglite", dir: "/project/.fluvius/pgdata", display: ".fluvius/pgdata" });
    expect(choose(undefined, { APP_DB: "" })).toMatchObject({ kind: "pglite", display: ".fluvius/pgdata" });
    expect(choose(undefined, { APP_DB: "postgres://u@h/db", DATABASE_URL: "postgres://other/x" })).toEqual({
      kind: "postgres",
      url: "postgres://u@h/db",
      source: "$APP_DB",
    });
    expect(choose("postgresql://flag/db", { APP_DB: "postgres://u@h/db" })).toMatchObject({
      kind: "postgres",
      url: "postgresql://flag/db",
      source: "--database-url",
    });
    expect(choose(undefined, { APP_DB: "data/pg" })).toEqual({ kind: "pglite", dir: "/project/data/pg", display: "data/pg" });
    expect(choose(undefined, { APP_DB: "file:///srv/pg" })).toMatchObject({ kind: "pglite", dir: "/srv/pg" });
    expect(choose(undefined, { APP_DB: "memory://" })).toEqual(["$APP_DB is not a PostgreSQL URL (postgres://user@host:port/database)."]);
    expect(choose("mysql://h/db", {})).toEqual(["--database-url is not a PostgreSQL URL (postgres://user@host:port/database)."]);
    expect(describeUrl("postgres://app:secret@db.example.com:6543/shop?sslmode=require")).toBe("PostgreSQL db.example.com:6543/shop");
  });
});

describe("helpers", () => {
  test("slugify makes file-name parts", () => {
    expect(slugify("Add tags!")).toBe("add_tags");
    expect(slugify("add-x")).toBe("add_x");
    expect(slugify("Crème brûlée")).toBe("creme_brulee");
    expect(slugify("!!!")).toBe("");
  });

  test("splitStatements knows quotes, dollar quotes and comments (to point at a failing statement)", () => {
    const script = `-- head; comment
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
INSERT INTO t VALUES ('a;b', E'c\\';d', "x;y");
/* block; /* nested; */ */ SELECT $tag$ ; $tag$;
SELECT 2`;
    expect(splitStatements(script).map((s) => s.text)).toEqual([
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;",
      `INSERT INTO t VALUES ('a;b', E'c\\';d', "x;y");`,
      "SELECT $tag$ ; $tag$;",
      "SELECT 2",
    ]);
  });

  test("an embedded database another process has open is refused with the holder's name", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "fluvius-lock-")), "pgdata");
    const held = lockEmbeddedDatabase(dir, "fluvius serve");
    const diagnostics = new DiagnosticCollector();
    const target = await openTarget({ kind: "pglite", dir, display: ".fluvius/pgdata" }, { command: "fluvius migrate up", create: true }, diagnostics);
    expect(target).toBeUndefined();
    expect(diagnostics.sorted().map((d) => `${lines([d])[0]}: ${d.message}`)).toEqual([
      expect.stringMatching(
        /^\.fluvius\/pgdata:1:1 error embedded-database-locked: The embedded database \.fluvius\/pgdata is in use by `fluvius serve` \(pid \d+, since .*\); lock file \.fluvius\/pgdata\.lock\.$/,
      ),
    ]);
    if (held.ok) held.release();
  });

  test("the embedded database lock refuses a live holder and takes over a dead one", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "fluvius-lock-")), "pgdata");
    const first = lockEmbeddedDatabase(dir, "fluvius migrate up");
    expect(first.ok).toBe(true);
    const second = lockEmbeddedDatabase(dir, "fluvius migrate status");
    expect(second).toMatchObject({ ok: false, holder: { pid: process.pid, command: "fluvius migrate up" } });
    if (first.ok) first.release();
    expect(existsSync(`${dir}.lock`)).toBe(false);

    // A lock left by a process that is gone.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), command: "x", since: "then" }));
    const third = lockEmbeddedDatabase(dir, "fluvius migrate up");
    expect(third.ok).toBe(true);
    if (third.ok) third.release();
  });
});

test("every migrate diagnostic code is proven by a test of test/migrate", () => {
  const dir = path.dirname(new URL(import.meta.url).pathname);
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .concat(readdirSync(path.join(dir, "helpers")).map((f) => `helpers/${f}`))
    .map((f) => readFileSync(path.join(dir, f), "utf8"))
    .join("\n");
  const codes = Object.entries(catalog)
    .filter(([, e]) => e.stage === "migrate")
    .map(([code]) => code);
  expect(codes.length).toBeGreaterThan(10);
  expect(codes.filter((code) => !sources.includes(`error ${code}`))).toEqual([]);
});
