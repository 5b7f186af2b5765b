import type { Database } from "../db/database.js";

/** Bumped (with an upgrade script) whenever the system tables change. */
export const systemSchemaVersion = 1;

/**
 * The event store's tables, in schema `fluvius`. `fluvius migrate` writes this text verbatim
 * into a project's first migration, so it is meant to be read: keep it plain and commented.
 * Every key starts with the tenant, so the tables can later be distributed by tenant.
 */
export const systemSchemaSql = `-- fluvius system schema v${systemSchemaVersion}: the event store.
CREATE SCHEMA fluvius;
COMMENT ON SCHEMA fluvius IS 'fluvius system schema v${systemSchemaVersion}';

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

/** Creates the system tables unless they exist (one transaction). Returns whether it created them. */
export async function applySystemSchema(db: Database): Promise<boolean> {
  return db.transaction(async (sql) => {
    // Two processes opening the same new database: the second waits, then finds the tables.
    await sql.query("SELECT pg_advisory_xact_lock(hashtext('fluvius.system-schema'))");
    const [row] = await sql.query<{ exists: boolean }>("SELECT to_regclass('fluvius.events') IS NOT NULL AS exists");
    if (row?.exists) return false;
    await sql.exec(systemSchemaSql);
    return true;
  });
}
