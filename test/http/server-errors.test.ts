/** How server errors are reported: one line with the reply's errorId; the stack only when asked. */
import { afterEach, describe, expect, test, vi } from "vitest";
import { createServer } from "@fluvius/runtime/internal/http/server";
import type { EventStore } from "@fluvius/runtime/internal/runtime/store/types";
import { DatabaseUnavailableError } from "@fluvius/runtime/internal/runtime/errors";

// No route here reaches the store: the server only needs something to hold.
const noStore = {} as EventStore;
const noAuth = async () => ({ actor: { id: "a", tenant: "t", roles: [] }, claims: {} });

async function serverWith(stacks: boolean) {
  const app = await createServer({ store: noStore, domains: [], authenticate: noAuth, basePath: "/api", stacks });
  app.get("/boom", async () => {
    throw new Error("the flux capacitor broke");
  });
  app.get("/down", async () => {
    throw new DatabaseUnavailableError(Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" }));
  });
  return app;
}

afterEach(() => vi.restoreAllMocks());

function stderrLines() {
  const written: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return written;
}

describe("server errors on stderr", () => {
  test("without stacks: one line naming the id, the request and the message; the reply hides the message", async () => {
    const written = stderrLines();
    const app = await serverWith(false);
    const reply = await app.inject({ method: "GET", url: "/boom" });
    expect(reply.statusCode).toBe(500);
    const { errdata, errmesg } = reply.json() as { errmesg: string; errdata: { errorId: string } };
    expect(errmesg).not.toContain("flux");
    expect(written).toEqual([`fluvius: internal error ${errdata.errorId} on GET /boom: the flux capacitor broke\n`]);
  });

  test("with stacks (--log, DEBUG=fluvius): the stack follows the line", async () => {
    const written = stderrLines();
    const app = await serverWith(true);
    await app.inject({ method: "GET", url: "/boom" });
    expect(written.join("")).toMatch(/^fluvius: internal error [0-9a-f-]{36} on GET \/boom: the flux capacitor broke\nError: the flux capacitor broke\n\s+at /);
  });

  test("a 503 says Retry-After, keeps the database's address out of the reply and puts it in the log", async () => {
    const written = stderrLines();
    const app = await serverWith(false);
    const reply = await app.inject({ method: "GET", url: "/down" });
    expect(reply.statusCode).toBe(503);
    expect(reply.headers["retry-after"]).toBe("2");
    expect(reply.body).not.toContain("10.0.0.5");
    expect(written.join("")).toContain("(connect ECONNREFUSED 10.0.0.5:5432)");
  });
});
