-- The audit trail: append-only, each event chained to the one before by its hash, and
-- periodic Ed25519-signed digests chained to the digest before.

CREATE TABLE audit_events (
    seq            BIGINT       PRIMARY KEY,
    event_id       VARCHAR(64)  NOT NULL UNIQUE,
    event_time     BIGINT       NOT NULL,
    principal_id   VARCHAR(64),
    principal_name VARCHAR(200),
    source_ip      VARCHAR(64),
    user_agent     VARCHAR(512),
    action         VARCHAR(100) NOT NULL,
    resource       VARCHAR(300) NOT NULL,
    decision       VARCHAR(20)  NOT NULL,
    deciding_policy VARCHAR(300),
    request_id     VARCHAR(64),
    error_code     VARCHAR(60),
    prev_hash      CHAR(64)     NOT NULL,
    hash           CHAR(64)     NOT NULL
);

CREATE INDEX audit_events_by_principal ON audit_events (principal_id, event_time);
CREATE INDEX audit_events_by_time ON audit_events (event_time);

CREATE TABLE audit_digests (
    seq              BIGINT       PRIMARY KEY,
    created_at       BIGINT       NOT NULL,
    first_event_seq  BIGINT       NOT NULL,
    last_event_seq   BIGINT       NOT NULL,
    last_event_hash  CHAR(64)     NOT NULL,
    prev_digest_hash CHAR(64)     NOT NULL,
    digest_hash      CHAR(64)     NOT NULL,
    key_id           VARCHAR(32)  NOT NULL,
    signature        VARCHAR(200) NOT NULL
);
