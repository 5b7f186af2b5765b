import type { ActionDefinition, AggregateDefinition, CommandContext, EventDefinition, EventShape } from "../definition.js";
import { InvalidEventError, InvalidPayloadError, PreconditionFailedError, UnknownActionError } from "../errors.js";
import { canonicalValue } from "../canonical.js";
import { validatorFor } from "../json-schema.js";

/**
 * The steps of a command that need no database, shared by the pipeline and the test
 * helpers so that `given/when/then` tests exercise exactly what production runs.
 */

export function actionOf<S, E extends EventShape, A extends object>(definition: AggregateDefinition<S, E, A>, name: string): ActionDefinition<S, unknown, E> {
  const actions = definition.actions as Readonly<Record<string, ActionDefinition<S, unknown, E> | undefined>>;
  const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
  if (action === undefined) throw new UnknownActionError(name);
  return action;
}

/** Checks the payload against its schema; returns it in its canonical spelling (canonical.ts), what handlers see. */
export function checkPayload<P>(name: string, action: ActionDefinition<unknown, unknown, EventShape>, payload: P): P {
  const issues = validatorFor(action.payloadSchema)(payload);
  if (issues.length > 0) throw new InvalidPayloadError(name, issues);
  return canonicalValue(action.payloadSchema, payload) as P;
}

export function checkWhen<S>(name: string, action: ActionDefinition<S, unknown, EventShape>, state: S): void {
  const failed = action.when?.(state) ?? null;
  if (failed !== null) throw new PreconditionFailedError(name, typeof failed === "string" ? { message: failed } : failed);
}

/**
 * Runs the handler and checks what it returns: known types, current versions, data matching
 * the schema if given, and then in its canonical spelling (as it will be recorded).
 */
export async function runHandler<S, P, E extends EventShape>(
  definition: Pick<AggregateDefinition<S, E, object>, "events">,
  name: string,
  action: ActionDefinition<S, P, E>,
  ctx: CommandContext<S, P>,
): Promise<E[]> {
  const result = await action.handle(ctx);
  const events: readonly E[] = Array.isArray(result) ? result : [result as E];
  const known = definition.events as Readonly<Record<string, EventDefinition | undefined>>;
  return events.map((event) => {
    const spec = typeof event?.type === "string" && Object.hasOwn(known, event.type) ? known[event.type] : undefined;
    if (spec === undefined) throw new InvalidEventError(`Action ${name} returned an event of unknown type ${String(event?.type)}.`);
    if (event.version !== spec.version) {
      throw new InvalidEventError(`Action ${name} returned ${event.type} v${event.version}; new events are written at v${spec.version}.`);
    }
    if (spec.schema) {
      const issues = validatorFor(spec.schema)(event.data ?? {});
      if (issues.length > 0) {
        throw new InvalidEventError(`Action ${name} returned ${event.type} with invalid data: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}.`);
      }
      return { ...event, data: canonicalValue(spec.schema, event.data ?? {}) };
    }
    return event;
  });
}
