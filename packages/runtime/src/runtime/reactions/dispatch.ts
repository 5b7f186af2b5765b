import type { Actor } from "../actor.js";
import type { AnyAggregateDefinition, EventShape } from "../definition.js";
import {
  DatabaseUnavailableError,
  FluviusError,
  IdempotencyKeyReusedError,
  NotFoundError,
  PreconditionFailedError,
  ReactionSetupError,
  VersionConflictError,
} from "../errors.js";
import type { AggregateService } from "../command/types.js";
import type { EventRecord, RecordedRejection } from "../store/types.js";
import { reactionId, reactionRole, type AnyReactionDefinition, type Deliver, type ReactionContext } from "./definition.js";
import { naturalKeyId, naturalKeyValue } from "../natural-key.js";
import { reactionCommandId, reactionDeliveryId, reactionStreamId } from "./ids.js";

/** A service of any aggregate: the runner only passes a reaction's payloads through to it. */
export type AnyService = AggregateService<unknown, EventShape, Record<string, unknown>>;

/** What running a reaction needs: services by stream type, and the integrations by name. */
export interface ReactionEnvironment {
  /** Under each domain's policy: reactions are denied what no `{ reaction: … }` rule allows. */
  readonly services: ReadonlyMap<string, AnyService>;
  /** Unrestricted, for reactors' reads through the context. */
  readonly readers: ReadonlyMap<string, AnyService>;
  readonly delivers: Readonly<Record<string, Deliver>>;
}

export interface DispatchResult {
  /** Commands that changed something or had already been applied (a redelivery). */
  readonly applied: number;
  /** Commands the target's `when` refused: the state moved on (an order confirmed before its timer fired). */
  readonly skipped: number;
}

/** The system actor a reaction's commands run under, in the event's tenant. */
export function reactionActor(reaction: AnyReactionDefinition, tenant: string): Actor {
  const role = reactionRole(reaction);
  return { id: role, tenant, roles: [role] };
}

function contextFor(reaction: AnyReactionDefinition, record: EventRecord, env: ReactionEnvironment): ReactionContext {
  const id = reactionId(reaction);
  const reader: Actor = { id: reactionRole(reaction), tenant: record.tenant, roles: [] };
  return {
    tenant: record.tenant,
    derivedId: (index) => reactionStreamId(id, record.eventId, index),
    async get(aggregate, streamId, domain) {
      const service = env.readers.get(`${domain ?? reaction.domain}.${aggregate}`);
      if (!service) throw new ReactionSetupError(`Reaction ${id} reads '${domain ?? reaction.domain}.${aggregate}', which no domain of the project has.`);
      try {
        return await service.get(reader, streamId);
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
  };
}

/**
 * Runs one reaction on one event: its commands (each with an id derived from reaction,
 * event and index, so running it again applies nothing twice; correlated with the event's
 * correlation id and caused by the event), or its delivery. Throws what failed.
 */
export async function dispatch(reaction: AnyReactionDefinition, record: EventRecord, env: ReactionEnvironment): Promise<DispatchResult> {
  const id = reactionId(reaction);
  const effect = reaction.effect;
  if (effect.kind !== "commands") {
    const deliver = effect.kind === "deliver" ? effect.deliver : env.delivers[effect.integration];
    if (!deliver)
      throw new ReactionSetupError(
        `Reaction ${id} notifies '${effect.kind === "notify" ? effect.integration : ""}', which is not an integration of fluvius.yaml.`,
      );
    await deliver(record, { deliveryId: reactionDeliveryId(id, record.eventId), reaction: id });
    return { applied: 1, skipped: 0 };
  }
  const commands = await effect.commands(record, contextFor(reaction, record, env));
  const actor = reactionActor(reaction, record.tenant);
  let applied = 0;
  let skipped = 0;
  for (const [index, command] of commands.entries()) {
    const streamType = `${command.domain ?? reaction.domain}.${command.aggregate}`;
    const service = env.services.get(streamType);
    if (!service) throw new ReactionSetupError(`Reaction ${id} issues ${streamType}:${command.action}, which no domain of the project has.`);
    try {
      await service.execute({
        action: command.action,
        payload: command.payload,
        actor,
        // A natural key derives the id of the stream it creates: the reaction's own id would be refused.
        ...(command.key !== undefined
          ? { streamId: keyedStreamId(service.definition, command.key, id) }
          : command.streamId !== undefined
            ? { streamId: command.streamId }
            : naturalKeyCreate(service.definition, command.action)
              ? {}
              : { streamId: reactionStreamId(id, record.eventId, index) }),
        commandId: reactionCommandId(id, record.eventId, index),
        correlationId: record.correlationId ?? record.eventId,
        causationId: record.eventId,
      });
      applied++;
    } catch (error) {
      if (error instanceof PreconditionFailedError) skipped++;
      // The same derived id with another payload: the reaction's code changed since this command was applied once.
      else if (error instanceof IdempotencyKeyReusedError) applied++;
      else throw error;
    }
  }
  return { applied, skipped };
}

/**
 * Whether retrying can help: a lost race, an unreachable database or receiver, or an
 * unexpected error may pass; a refusal decided on the command (forbidden, invalid payload, a
 * business rule, an unwritten handler, a setup mistake) fails the same way every time.
 * A target stream that does not exist yet may be one another reaction is about to create:
 * reactions run side by side, each on its own checkpoint (`send-invoice` may hear a shipment
 * before `open-invoice` has opened the invoice), so a missing stream is retried too.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof VersionConflictError || error instanceof DatabaseUnavailableError || error instanceof NotFoundError) return true;
  if (error instanceof FluviusError) return error.status === 502 || error.status === 503;
  return true;
}

/** What a parked delivery records of its failure. */
export function describeFailure(error: unknown): RecordedRejection {
  if (error instanceof FluviusError) return { code: error.code, message: error.message, details: error.details };
  const message = error instanceof Error ? error.message : String(error);
  return { code: "reaction-failed", message, details: error instanceof Error ? { name: error.name } : {} };
}

/** A creating action of an aggregate with a natural key (`id: { from }`). */
function naturalKeyCreate(definition: AnyAggregateDefinition, action: string): boolean {
  const actions = definition.actions as Readonly<Record<string, { readonly creates: boolean } | undefined>>;
  return definition.naturalKey !== undefined && actions[action]?.creates === true;
}

/** The stream a command's `key` names: derived like the stream id a creating command gets. */
function keyedStreamId(definition: AnyAggregateDefinition, key: string | number, reaction: string): string {
  const naturalKey = definition.naturalKey;
  const value = naturalKey === undefined ? undefined : naturalKeyValue(naturalKey, key);
  if (naturalKey === undefined)
    throw new ReactionSetupError(`Reaction ${reaction} names a ${definition.aggregate} by key, but ${definition.aggregate} has no natural key.`);
  // A key the target's kind cannot spell (not an integer for an integer key) names no stream: 404, as a wrong id would.
  if (value === undefined) throw new NotFoundError(`${naturalKey.field}=${String(key)}`);
  return naturalKeyId(definition.domain, definition.aggregate, value);
}
