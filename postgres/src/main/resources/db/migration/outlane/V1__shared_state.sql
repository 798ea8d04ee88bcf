-- Outlane shared state, schema version 1: idempotency keys with the SMS attempt ledger,
-- suppressions and dead letters, shared by every Outlane instance on this database.
-- Flyway runs this file as-is (locations = classpath:db/migration/outlane); OutlaneSchema.migrate
-- applies the same file and records it in outlane_schema_version. Never edit a released migration:
-- add V<n+1>__...sql instead.

-- One row per idempotency key (dev.outlane.postgres.PostgresIdempotencyStore).
-- state: claimed   an instance (owner) is delivering the key; others see it as taken until lease_until
--        attempted an attempt on a non-idempotent destination (an SMS) was recorded before sending
--                  and has no outcome yet: never sent again, reconciled by whoever finds it
--        done      delivered; duplicates are deduplicated until expires_at
--        unknown   sent with an unknown outcome (dead-lettered needs-reconciliation); blocks like done
CREATE TABLE outlane_idempotency (
  idempotency_key text        PRIMARY KEY,
  state           text        NOT NULL
                              CHECK (state IN ('claimed', 'attempted', 'done', 'unknown')),
  owner           text        NOT NULL,
  lease_until     timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- Pruning deletes expired rows in bounded batches, oldest first.
CREATE INDEX outlane_idempotency_expiry ON outlane_idempotency (expires_at);

-- One row per hashed identifier, channel and source (dev.outlane.postgres.PostgresSuppressionStore).
-- key_hash is SHA-256 of the UTF-8 value (customer id, normalized email or E.164 phone), key_kind
-- says which ('c', 'e', 'p'), exactly as core's suppression keys: no raw value is ever stored.
-- source is a SuppressionSource code; a lift by one source never removes another source's row.
CREATE TABLE outlane_suppression (
  key_kind   text        NOT NULL CHECK (key_kind IN ('c', 'e', 'p')),
  key_hash   bytea       NOT NULL CHECK (octet_length(key_hash) = 32),
  channel    text        NOT NULL,
  source     text        NOT NULL,
  reason     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key_hash, key_kind, channel, source)
);

-- One row per dead letter (dev.outlane.postgres.PostgresDeadLetterStore); seq orders them oldest
-- first. event holds the event in EventSerializer.json's payload format (version 2), which carries
-- the raw email and phone: restrict this table like the events themselves.
-- claimed_by/claimed_until: a replay's claim, so two operators replaying at once send each once.
CREATE TABLE outlane_dead_letter (
  seq             bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  id              text        PRIMARY KEY,
  destination     text        NOT NULL,
  reason          text        NOT NULL,
  idempotency_key text        NOT NULL,
  detail          text        NOT NULL,
  error_code      text,
  attempts        integer     NOT NULL CHECK (attempts >= 0),
  first_attempt   timestamptz NOT NULL,
  last_attempt    timestamptz NOT NULL,
  resolved        boolean     NOT NULL DEFAULT false,
  event           bytea       NOT NULL,
  claimed_by      text,
  claimed_until   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outlane_dead_letter_unresolved ON outlane_dead_letter (seq) WHERE NOT resolved;
