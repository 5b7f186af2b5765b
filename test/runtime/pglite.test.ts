import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openStore } from "@fluvius/runtime";

const dir = mkdtempSync(join(tmpdir(), "fluvius-rt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("keeps events on disk under <project>/.fluvius/pgdata across restarts", async () => {
  const id = randomUUID();
  const first = await openStore({ projectDir: dir, ensureSchema: true });
  expect(first.backend).toBe("pglite");
  await first.forTenant("t1").append("test.disk", id, [{ type: "saved", schemaVersion: 1, data: { n: 1 } }], { expected: "no-stream" });
  await first.close();
  expect(existsSync(join(dir, ".fluvius", "pgdata", "PG_VERSION"))).toBe(true);

  const again = await openStore({ url: join(dir, ".fluvius", "pgdata"), ensureSchema: true });
  const events = await again.forTenant("t1").readStream("test.disk", id);
  expect(events.map((e) => e.data)).toEqual([{ n: 1 }]);

  // PGlite is one connection: using the store instead of the transaction's scope inside a
  // transaction is reported, not left to wait for itself forever.
  await expect(again.transaction(() => again.forTenant("t1").readStream("test.disk", id))).rejects.toThrow(/use the scope it passes you/);
  expect((await again.forTenant("t1").readStream("test.disk", id)).length).toBe(1);
  await again.close();
}, 60_000);
