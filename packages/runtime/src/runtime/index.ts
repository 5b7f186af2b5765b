/**
 * @fluvius/runtime: the event store and command pipeline generated code runs on.
 * It knows nothing of YAML; docs/runtime.md describes what generated code hands it.
 */

// Opening a store
export { openStore, createStore, defaultDataDir, type OpenStoreOptions } from "./open.js";
export type { SqlEventStoreOptions } from "./store/sql-event-store.js";
export { pgDatabase, type PgOptions } from "./db/pg.js";
export type { LockHolder } from "./db/embedded-lock.js";
export type { Database, Sql, Row } from "./db/database.js";
export { systemSchemaSql, systemSchemaVersion, applySystemSchema } from "./store/schema.js";

// The event store contract
export { START } from "./store/types.js";
export type {
  EventStore,
  TenantStore,
  TransactionScope,
  EventEnvelope,
  StoredEvent,
  EventRecord,
  NewEvent,
  AppendOptions,
  AppendResult,
  AppendedEvent,
  StreamInfo,
  Checkpoint,
  Fence,
  ReadCommittedOptions,
  LoadRequest,
  LoadedStream,
  LoadedEvent,
  CommitRequest,
  OutcomeRequest,
  CommandRecord,
  RecordedRejection,
} from "./store/types.js";

// What generated code defines
export { defineAggregate, streamTypeOf } from "./definition.js";
export { snapshotKey } from "./snapshot-key.js";
export type {
  AggregateDefinition,
  AnyAggregateDefinition,
  ActionDefinition,
  EventDefinition,
  EventShape,
  EventMeta,
  CommandContext,
  CommandHandler,
  HandlerResult,
  PreconditionResult,
  JsonSchema,
  Upcasters,
  ReadModelDefinition,
  ReadModelColumn,
  ColumnKind,
} from "./definition.js";

export { fieldIn, allOf } from "./preconditions.js";
export {
  defineDomain,
  streamDefinitionsOf,
  viewsOf,
  type DomainDefinition,
  type AggregateMeta,
  type FieldMeta,
  type ActionMeta,
  type StreamDefinition,
} from "./domain.js";

// Views: read models fed by events (docs/views.md)
export { defineView, projectedChanges, timeBucket, type ProjectedChange } from "./views/definition.js";
export { replayViews, type ViewReplayReport } from "./views/replay.js";
export { createProjector, projectorName, type Projector, type ProjectorOptions } from "./views/projector.js";
export { viewStatus, type ViewStatus } from "./views/status.js";
export type { ViewDefinition, ViewSource, ViewChange, ViewOperation, ViewTableDefinition, ViewColumn } from "./views/definition.js";

// Reactions: event → command, timers, deliveries outside
export { defineReaction, reactionId, reactionRole } from "./reactions/definition.js";
export { startReactionWorkers, createReactionWorkers, drainReactions, reactionsOf } from "./reactions/runner.js";
export type { ReactionWorkerOptions, ReactionWorkers, ExtraWorker } from "./reactions/runner.js";
export { reactionStatus, retryParked, skipParked, type ReactionStatus, type ParkedResolution } from "./reactions/status.js";
export { openParked, parkedById, type ParkedDelivery } from "./reactions/tables.js";
export { reactionCommandId, reactionStreamId, reactionDeliveryId } from "./reactions/ids.js";
export { acquireLease, releaseLease } from "./reactions/lease.js";
export type {
  ReactionDefinition,
  AnyReactionDefinition,
  ReactionCommand,
  ReactionContext,
  ReactionEffect,
  ReactionDelay,
  Reactor,
  Deliver,
  DeliveryContext,
} from "./reactions/definition.js";

// Integrations: webhooks, NATS JetStream, the forwarder of public events (docs/integrations.md)
export { toWireEvent, type WireEvent, type DeliveryBody, type ForwardedBody } from "./integrations/wire.js";
export { createWebhookDelivery, verifyWebhookSignature, webhookSignature } from "./integrations/webhook.js";
export type { WebhookOptions, VerifyWebhookOptions } from "./integrations/webhook.js";
export { connectNatsPublisher, subjectFor, streamNameFor } from "./integrations/nats.js";
export type { NatsPublisher, NatsPublisherOptions, PublishAck } from "./integrations/nats.js";
export { forwardPublicEvents, forwarderSubscription, publicEventsOf } from "./integrations/forwarder.js";
export type { EventPublisher, ForwardOptions, PublicEvents } from "./integrations/forwarder.js";
export { resolveIntegrations, subjectPrefixOf, DEFAULT_WEBHOOK_TIMEOUT_MS } from "./integrations/resolve.js";
export type { ResolvedIntegrations, IntegrationPublisher, ResolveOptions } from "./integrations/resolve.js";
export type { IntegrationSpec } from "./integrations/spec.js";
export { externalStreamType, inboundWorkerName, type ExternalEventDefinition } from "./integrations/external.js";
export { createInboundWorker, inboundConsumerName, type InboundOptions } from "./integrations/inbound.js";
export type { InboundMessage } from "./reactions/tables.js";
export { parseDuration } from "./duration.js";

// Running commands and queries
export { createAggregateService } from "./command/service.js";
export { createLookups } from "./lookups/reader.js";
export type { Lookups, LookupShapes, LookupSource, AggregateLookup, ViewLookup, ViewRow, AnyLookupShapes } from "./lookups/types.js";
export type { AggregateService, CommandInput, CommandResult, HistoryPage, ServiceOptions, TimeTravelTarget } from "./command/types.js";
export { requestHash, canonicalJson } from "./command/request-hash.js";
export { itemOf, rowColumns, type Item, type StreamFacts } from "./read-model.js";
// Reading lists and view rows (docs/runtime.md, "Reading lists")
export type { ListRequest, ListPage } from "./read/request.js";
export type { ListedItem, StateField } from "./read/aggregate-list.js";
export { createViewReader, type ViewReader } from "./read/view-reader.js";
export { InvalidQueryError } from "./read/errors.js";
export { upcast } from "./upcast.js";
export { replay, type ReplayOptions, type ReplayReport } from "./replay.js";
export { catchUp, startSubscription, createUpcaster } from "./subscription.js";
export { settle, SettleTimeoutError, type SettleOptions } from "./settle.js";
export type { Subscription, SubscriptionOptions, RunningSubscriptionOptions } from "./subscription.js";

// Actors and policies
export { ALL_TENANTS, assertTenant, isUuid, streamIdOf, type Actor } from "./actor.js";
export { createPolicy, permissionMatches, unrestrictedPolicy } from "./policy.js";
export type { Policy, PolicyRule, WhereOperand, Literal, FieldCondition, AccessFilter } from "./policy.js";

// Values
export { decimal, add, subtract, compare, normalise, isDecimal, scaleOf } from "./decimal.js";
export { validatorFor } from "./json-schema.js";

// Errors
export {
  FluviusError,
  VersionConflictError,
  StreamExistsError,
  UniqueViolationError,
  ReferenceNotFoundError,
  NotFoundError,
  ForbiddenError,
  PreconditionFailedError,
  BusinessRuleError,
  InvalidPayloadError,
  IdempotencyKeyReusedError,
  UnknownActionError,
  InvalidArgumentError,
  DuplicateEventError,
  EventSchemaError,
  InvalidEventError,
  EmbeddedDatabaseLockedError,
  HandlerNotImplementedError,
  ActorIdNotUuidError,
  DatabaseUnavailableError,
  DeliveryFailedError,
  IntegrationConfigError,
  IntegrationUnavailableError,
  ReactionSetupError,
  LookupSetupError,
  toWireError,
} from "./errors.js";
/** The stream id of a natural key (`id: { from }`), e.g. to address a product by its SKU. */
export { naturalKeyId } from "./natural-key.js";
export type { ExpectedVersion, PreconditionFailure, PayloadIssue, WireError, DeliveryFailure, IntegrationProblem } from "./errors.js";

// Test helpers for users' handler tests
export { given, testActor, testTime, testStreamId } from "./testing.js";
export type { Given, Then, Outcome, WhenOptions } from "./testing.js";
/** An in-memory store with the project's migrations applied, for tests of the domain end to end. */
export { openTestStore, TestStoreError } from "./test-store.js";
export type { TestStoreOptions } from "./test-store.js";
export type { SeededLookups } from "./lookups/memory.js";

// Live updates: a feed of the log behind the commit fence, and one session per client (docs/http.md, "Live updates")
export { createLiveFeed } from "./live/feed.js";
export type { LiveFeed, LiveFeedOptions, FeedListener, FeedAttachment } from "./live/feed.js";
export { LiveSession } from "./live/session.js";
export type { LiveSessionOptions, LiveDelivery, LiveMessage, ItemChanged, ViewChanged } from "./live/session.js";
export type { LiveSource, AggregateSource as LiveAggregateSource, ViewSource as LiveViewSource, Channel as LiveChannel } from "./live/channels.js";
export { LiveRequestError } from "./live/errors.js";
export type { LiveCloseReason } from "./live/errors.js";
export { formatPosition, parsePosition } from "./live/position.js";
