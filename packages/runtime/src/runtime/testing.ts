import { deepStrictEqual, fail } from "node:assert/strict";
import type { Actor } from "./actor.js";
import type { AggregateDefinition, EventShape } from "./definition.js";
import { BusinessRuleError, ForbiddenError, FluviusError, NotFoundError, StreamExistsError } from "./errors.js";
import type { Policy } from "./policy.js";
import { actionOf, checkPayload, checkWhen, runHandler } from "./command/decide.js";
import { applyLoaded, applyNew } from "./command/fold.js";
import { memoryLookups, type SeededLookups } from "./lookups/memory.js";

/**
 * given(definition, events).when(action, payload).thenEvents([...]) / .thenError(code):
 * unit tests for hand-written handlers, in memory, running the same steps as the
 * pipeline (payload schema, policy if given, `when`, handler, event checks, evolve).
 */

export const testActor: Actor = { id: "test-actor", tenant: "test-tenant", roles: [] };
/** The recorded time of given events and the `now` of the command, unless told otherwise. */
export const testTime = "2024-01-01T00:00:00.000Z";
export const testStreamId = "00000000-0000-4000-8000-000000000001";

export interface WhenOptions {
  readonly actor?: Actor;
  readonly now?: string;
  /** Authorize with this policy too (without one, every actor may do everything). */
  readonly policy?: Policy;
  /** What the handler's `ctx.get` / `ctx.find` find: other streams' states and views' rows (nothing without). */
  readonly lookups?: SeededLookups;
}

export type Outcome<S, E> = { readonly ok: true; readonly events: E[]; readonly state: S } | { readonly ok: false; readonly error: unknown };

export interface Then<S, E> {
  readonly outcome: Promise<Outcome<S, E>>;
  thenEvents(expected: readonly E[]): Promise<void>;
  /** Matches an error `code`, or a business rule's name ("insufficient-funds"). */
  thenError(code: string): Promise<FluviusError>;
  /** The state after the command's events (a partial object is compared field by field). */
  thenState(expected: Partial<S>): Promise<void>;
}

export interface Given<S, E extends EventShape, A extends object> {
  when<K extends keyof A & string>(action: K, payload: A[K], options?: WhenOptions): Then<S, E>;
}

export function given<S, E extends EventShape, A extends object>(
  definition: AggregateDefinition<S, E, A>,
  history: readonly EventShape[] = [],
): Given<S, E, A> {
  return {
    when(name, payload, options = {}) {
      const actor = options.actor ?? testActor;
      const now = options.now ?? testTime;
      const run = async (): Promise<Outcome<S, E>> => {
        try {
          const action = actionOf(definition, name);
          if (options.policy && !options.policy.mayAllow(actor, action.permission)) throw new ForbiddenError(action.permission);
          const canonical = checkPayload(name, action, payload);
          if (action.creates && history.length > 0) throw new StreamExistsError(testStreamId);
          if (!action.creates && history.length === 0) throw new NotFoundError(testStreamId);
          let state = definition.initialState();
          history.forEach((e, i) => {
            state = applyLoaded(definition, state, {
              version: i + 1,
              type: e.type,
              schemaVersion: e.version,
              data: e.data,
              recordedAt: testTime,
              actorId: actor.id,
            });
          });
          // given() records the history under the test's actor: it created the stream.
          if (!action.creates && options.policy && !options.policy.can(actor, action.permission, state as object, { _id: testStreamId, _creator: actor.id }))
            throw new ForbiddenError(action.permission);
          checkWhen(name, action, state);
          const { get, find } = memoryLookups(options.lookups ?? {}, now);
          const ctx = { get, find, state, payload: canonical, actor, tenant: actor.tenant, streamId: testStreamId, version: history.length, now };
          const events = await runHandler(definition, name, action, ctx);
          const next = applyNew(definition, state, events, { recordedAt: now, actorId: actor.id, fromVersion: history.length });
          if (action.creates && options.policy && !options.policy.can(actor, action.permission, next as object, { _id: testStreamId, _creator: actor.id }))
            throw new ForbiddenError(action.permission);
          return { ok: true, events, state: next };
        } catch (error) {
          return { ok: false, error };
        }
      };
      const outcome = run();
      const success = async (what: string) => {
        const o = await outcome;
        if (!o.ok) fail(`Expected ${what} from ${name}, but it failed: ${describe(o.error)}`);
        return o;
      };
      return {
        outcome,
        async thenEvents(expected) {
          deepStrictEqual((await success("events")).events, [...expected], `Events from ${name}`);
        },
        async thenState(expected) {
          const { state } = await success("a state");
          const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, (state as Record<string, unknown>)[k]]));
          deepStrictEqual(actual, { ...expected }, `State after ${name}`);
        },
        async thenError(code) {
          const o = await outcome;
          if (o.ok) fail(`Expected ${name} to fail with ${code}, but it returned ${JSON.stringify(o.events)}`);
          const error = o.error;
          const matches = error instanceof FluviusError && (error.code === code || (error instanceof BusinessRuleError && error.rule === code));
          if (!matches) fail(`Expected ${name} to fail with ${code}, but it failed with ${describe(error)}`);
          return error as FluviusError;
        },
      };
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof BusinessRuleError) return `${error.rule} (${error.message})`;
  if (error instanceof FluviusError) return `${error.code} (${error.message})`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
