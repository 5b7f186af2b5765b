import { describe, expect, it } from "vitest";
import {
  BusinessRuleError,
  DeliveryFailedError,
  ForbiddenError,
  IntegrationConfigError,
  IntegrationUnavailableError,
  IdempotencyKeyReusedError,
  InvalidPayloadError,
  NotFoundError,
  PreconditionFailedError,
  StreamExistsError,
  VersionConflictError,
  toWireError,
} from "@fluvius/runtime";

describe("typed errors on the wire", () => {
  it("map to the status and errcode of DESIGN §4", () => {
    const cases: [Parameters<typeof toWireError>[0], number, string][] = [
      [new VersionConflictError("s", 3, 4, true), 412, "version-conflict"],
      [new VersionConflictError("s", 3, undefined, false), 409, "version-conflict"],
      [new PreconditionFailedError("deposit", { message: "status must be open", field: "status" }), 409, "precondition-failed"],
      [new BusinessRuleError("insufficient-funds", "Not enough"), 409, "insufficient-funds"],
      [new ForbiddenError("account:close"), 403, "forbidden"],
      [new NotFoundError("s"), 404, "not-found"],
      [new InvalidPayloadError("deposit", [{ path: "amount", message: "is required", keyword: "required" }]), 422, "invalid-payload"],
      [new IdempotencyKeyReusedError("k"), 422, "idempotency-key-reused"],
      [new StreamExistsError("s"), 409, "stream-exists"],
      [new DeliveryFailedError("https://hooks.example.com", { kind: "http-status", httpStatus: 503 }, "m"), 502, "delivery-failed"],
      [new IntegrationConfigError([{ integration: "hook", variable: "HOOK_URL", message: "m" }]), 500, "integration-config"],
      [new IntegrationUnavailableError("nats://127.0.0.1:4222", "m"), 503, "integration-unavailable"],
    ];
    for (const [error, status, errcode] of cases) {
      const wire = toWireError(error);
      expect([wire.status, wire.body.errcode]).toEqual([status, errcode]);
      expect(wire.body.errmesg).toBe(error.message);
    }
  });

  it("carry structured detail: field paths, the rule, the versions", () => {
    expect(toWireError(new InvalidPayloadError("deposit", [{ path: "amount", message: "is required", keyword: "required" }])).body.errdata).toEqual({
      action: "deposit",
      fields: [{ path: "amount", message: "is required", keyword: "required" }],
    });
    expect(toWireError(new BusinessRuleError("insufficient-funds", "m", { balance: "1.00" })).body.errdata).toEqual({
      rule: "insufficient-funds",
      balance: "1.00",
    });
    expect(toWireError(new VersionConflictError("s", 3, 4, true)).body.errdata).toEqual({ streamId: "s", expected: 3, actual: 4 });
    expect(toWireError(new DeliveryFailedError("https://h", { kind: "timeout", timeoutMs: 10_000 }, "m")).body.errdata).toEqual({
      target: "https://h",
      kind: "timeout",
      timeoutMs: 10_000,
    });
    const problems = [
      { integration: "hook", variable: "HOOK_URL", message: "Integration 'hook': environment variable HOOK_URL (url: $env.HOOK_URL) is not set." },
      { integration: "broker", message: "Integration 'broker': subjectPrefix 'a b' is not a NATS subject prefix." },
    ];
    const config = new IntegrationConfigError(problems);
    expect(config.message).toBe(`${problems[0]?.message}\n${problems[1]?.message}`);
    expect(toWireError(config).body.errdata).toEqual({ problems });
  });
});
