import { BusinessRuleError, PreconditionFailedError, type FluviusError, type PreconditionFailure } from "../errors.js";
import type { RecordedRejection } from "../store/types.js";

/** The rejections a retry of the same command answers with again (decided on the stream's state). */
export function isRecordableRejection(error: unknown): error is PreconditionFailedError | BusinessRuleError {
  return error instanceof PreconditionFailedError || error instanceof BusinessRuleError;
}

export function encodeRejection(error: PreconditionFailedError | BusinessRuleError): RecordedRejection {
  return { code: error.code, message: error.message, details: error.details };
}

export function decodeRejection(recorded: RecordedRejection): FluviusError {
  if (recorded.code === "business-rule") {
    const { rule, ...data } = recorded.details;
    return new BusinessRuleError(String(rule), recorded.message, data);
  }
  const { action, ...failure } = recorded.details;
  return new PreconditionFailedError(String(action), { ...(failure as Partial<PreconditionFailure>), message: recorded.message });
}
