import type { Database, Sql } from "../db/database.js";

/** Bumped (with an upgrade step below) whenever the system tables change. */
export const systemSchemaVersion = 3;

/**
 * The event store's tables, in schema `fluvius`. `fluvius migrate` writes this text verbatim
 * into a project's first migration, so it is meant to be read: keep it plain and commented.
 * Every key starts with the tenant, so the tables can later be distributed by tenant.
 */
const eventStoreSql = `-- fluvius system schema v1: the event store.
CREATE SCHEMA fluvius;
COMMENT ON SCHEMA fluvius IS 'fluvius system schema v1';

-- One row per stream. Appends update it with the expected version in the WHERE clause:
-- that row lock is the optimistic-concurrency check.
CREATE TABLE fluvius.streams (
  tenant      text        NOT NULL,
  stream_type text        NOT NULL,              -- '<domain>.<aggregate>'
  stream_id   uuid        NOT NULL,
  version     integer     NOT NULL CHECK (version > 0),
  last_tx_id  xid8        NOT NULL,              -- transaction of the latest append: later versions never get a smaller one
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,              -- recorded time of the latest event; never goes backwards
  PRIMARY KEY (tenant, stream_type, stream_id)
);

-- The event log: append-only (a trigger below refuses UPDATE, DELETE and TRUNCATE).
CREATE TABLE fluvius.events (
  tenant         text        NOT NULL,
  stream_type    text        NOT NULL,
  stream_id      uuid        NOT NULL,
  version        integer     NOT NULL CHECK (version > 0),
  event_id       uuid        NOT NULL,
  event_type     text        NOT NULL,
  schema_version integer     NOT NULL CHECK (schema_version > 0),
  data           jsonb       NOT NULL,
  metadata       jsonb       NOT NULL DEFAULT '{}',
  actor_id       text,
  command_id     text,
  correlation_id text,
  causation_id   text,
  recorded_at    timestamptz NOT NULL,
  tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
  position       bigint      GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (tenant, stream_type, stream_id, version),
  CONSTRAINT events_event_id_unique UNIQUE (tenant, event_id)
);
-- Subscriptions read in commit-safe order: (tx_id, position) below the oldest running transaction.
CREATE INDEX events_tx_order ON fluvius.events (tx_id, position);

CREATE FUNCTION fluvius.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'fluvius.events is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON fluvius.events
  FOR EACH ROW EXECUTE FUNCTION fluvius.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON fluvius.events
  FOR EACH STATEMENT EXECUTE FUNCTION fluvius.refuse_change();

-- Idempotency: the outcome of each command id, per tenant. A retry returns it.
CREATE TABLE fluvius.commands (
  tenant       text        NOT NULL,
  command_id   text        NOT NULL,
  request_hash text        NOT NULL,             -- sha256 of aggregate, action, target id, actor and payload
  stream_type  text        NOT NULL,
  stream_id    uuid        NOT NULL,
  action       text        NOT NULL,
  from_version integer     NOT NULL,
  to_version   integer     NOT NULL,             -- equals from_version when the command was rejected
  rejection    jsonb,                            -- null on success, else the error it was rejected with
  recorded_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant, command_id)
);

-- Aggregate states every snapshotEvery events, keyed by the hash of the code that built them.
CREATE TABLE fluvius.snapshots (
  tenant      text        NOT NULL,
  stream_type text        NOT NULL,
  stream_id   uuid        NOT NULL,
  spec_hash   text        NOT NULL,
  version     integer     NOT NULL,
  state       jsonb       NOT NULL,
  recorded_at timestamptz NOT NULL,              -- recorded time of the event at this version (time travel)
  PRIMARY KEY (tenant, stream_type, stream_id, spec_hash, version)
);

-- Checkpoints of catch-up subscriptions; tenant '*' for one over all tenants.
CREATE TABLE fluvius.subscriptions (
  tenant     text        NOT NULL,
  name       text        NOT NULL,
  tx_id      xid8        NOT NULL,
  position   bigint      NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, name)
);
`;

const reactionsSql = `-- fluvius system schema v2: reactions (docs/reactions.md).
COMMENT ON SCHEMA fluvius IS 'fluvius system schema v2';

-- Catch-up reads filtered by stream type (each reaction reads one) lead with it, so they
-- never page through other aggregates' events.
CREATE INDEX events_stream_type_tx_order ON fluvius.events (stream_type, tx_id, position);

-- Durable timers of delayed reactions: one per (reaction, starting event), written before
-- the reaction's checkpoint moves past that event, fired once its time has come.
CREATE TABLE fluvius.timers (
  tenant         text        NOT NULL,
  reaction       text        NOT NULL,         -- '<domain>.<reaction>'
  event_id       uuid        NOT NULL,         -- the event that started it
  stream_type    text        NOT NULL,
  stream_id      uuid        NOT NULL,
  stream_version integer     NOT NULL,         -- the starting event's version: cancelling events come after it
  fire_at        timestamptz NOT NULL,
  status         text        NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'fired', 'cancelled', 'parked')),
  created_at     timestamptz NOT NULL,
  done_at        timestamptz,
  PRIMARY KEY (tenant, reaction, event_id)
);
CREATE INDEX timers_due ON fluvius.timers (fire_at) WHERE status = 'waiting';

-- Deliveries a reaction gave up on after its retries; fluvius reactions retry|skip <id> resolves them.
CREATE TABLE fluvius.parked (
  id         uuid        NOT NULL UNIQUE,      -- the delivery id, derived from (reaction, event)
  tenant     text        NOT NULL,
  reaction   text        NOT NULL,
  event_id   uuid        NOT NULL,
  status     text        NOT NULL CHECK (status IN ('parked', 'retry', 'resolved', 'skipped')),
  attempts   integer     NOT NULL,
  error      jsonb       NOT NULL,             -- {code, message, details} of the last failure
  parked_at  timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, reaction, event_id)
);
CREATE INDEX parked_open ON fluvius.parked (reaction) WHERE status IN ('parked', 'retry');

-- Which process runs a worker (a reaction, the timers, a forwarder): one holder at a time,
-- renewed while it runs, taken over by another replica once it expires.
CREATE TABLE fluvius.leases (
  name       text        PRIMARY KEY,
  holder     text        NOT NULL,
  expires_at timestamptz NOT NULL
);
`;

const inboundSql = `-- fluvius system schema v3: external events (docs/integrations.md).
COMMENT ON SCHEMA fluvius IS 'fluvius system schema v3';

-- A message of another service that could not be recorded in the inbox (not JSON, data that
-- do not fit the external event's payload, no tenant) is parked with its body, so that
-- fluvius reactions retry <id> can record it once the spec is fixed.
ALTER TABLE fluvius.parked ADD COLUMN message jsonb;
`;

/** Step n takes the system tables from version n to n + 1 (step 0 creates them). */
export const systemSchemaSteps: readonly string[] = [eventStoreSql, reactionsSql, inboundSql];

/** The whole system schema of a new database: every step. */
export const systemSchemaSql = systemSchemaSteps.join("\n");

/** The steps that take system tables at `version` to the current one. */
export function systemSchemaUpgrade(version: number): readonly string[] {
  return systemSchemaSteps.slice(version);
}

/** The version recorded on schema fluvius (0: no system tables). */
export async function installedSystemSchemaVersion(db: Sql): Promise<number> {
  const [row] = await db.query<{ comment: string | null }>(
    "SELECT obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = 'fluvius'",
  );
  if (!row) return 0;
  const match = /system schema v(\d+)/.exec(row.comment ?? "");
  return match ? Number(match[1]) : 1;
}

/** Creates the system tables, or upgrades them to the current version (one transaction). Returns whether it changed anything. */
export async function applySystemSchema(db: Database): Promise<boolean> {
  return db.transaction(async (sql) => {
    // Two processes opening the same new database: the second waits, then finds the tables.
    await sql.query("SELECT pg_advisory_xact_lock(hashtext('fluvius.system-schema'))");
    const steps = systemSchemaUpgrade(await installedSystemSchemaVersion(sql));
    for (const step of steps) await sql.exec(step);
    return steps.length > 0;
  });
}
