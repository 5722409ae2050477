-- Routing: how many upstream attempts a request took, and the A/B experiment variant it was
-- assigned to; user feedback on answers, joined to the ledger by request id for experiment
-- reports. Portable SQL for SQLite and PostgreSQL; times are epoch milliseconds.

ALTER TABLE usage_ledger ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE usage_ledger ADD COLUMN experiment VARCHAR(128);
ALTER TABLE usage_ledger ADD COLUMN variant VARCHAR(128);

CREATE INDEX usage_ledger_by_experiment ON usage_ledger (experiment, created_at);

CREATE TABLE answer_feedback (
    request_id   VARCHAR(64)   PRIMARY KEY,
    principal_id VARCHAR(64)   NOT NULL,
    -- 0 (bad) to 1 (good): a thumbs up is 1, a rating of 4 out of 5 is 0.75
    score        DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
    comment      VARCHAR(2000),
    created_at   BIGINT        NOT NULL
);
