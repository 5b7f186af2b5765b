import { describe, expect, test } from "vitest";
import { isConnectionError } from "@fluvius/runtime/internal/runtime/db/connection-error";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("isConnectionError: what counts as an unreachable database", () => {
  test.each([
    ["connection refused", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["connection reset", withCode("ECONNRESET")],
    ["a host that does not resolve", withCode("ENOTFOUND")],
    ["admin shutdown (57P01)", withCode("57P01", "terminating connection due to administrator command")],
    ["cannot connect now (57P03)", withCode("57P03", "the database system is starting up")],
    ["too many connections (53300)", withCode("53300")],
    ["a connection exception (08006)", withCode("08006")],
    ["pg's dropped connection", new Error("Connection terminated unexpectedly")],
    ["pg's pool timeout", new Error("timeout exceeded when trying to connect")],
    ["every address refused", new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "")],
  ])("%s is one", (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  test.each([
    ["a unique violation", withCode("23505")],
    ["a syntax error", withCode("42601")],
    ["a bug", new TypeError("x is undefined")],
    ["not an error", "ECONNREFUSED"],
  ])("%s is not", (_name, error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});
