-- Budgets: spending limits on a principal, a group, a tag or the whole organisation. Portable
-- SQL: the same file runs on SQLite and PostgreSQL; times are epoch milliseconds, money is
-- micro-dollars (millionths of a US dollar). Spend is not stored here: it is derived from
-- usage_ledger.cost_micros at start-up and kept in memory afterwards.

CREATE TABLE budgets (
    id           VARCHAR(64)   PRIMARY KEY,
    name         VARCHAR(128)  NOT NULL UNIQUE,
    -- principal and group scopes name their target, as policy attachments do; tag is KEY=VALUE
    scope_type   VARCHAR(20)   NOT NULL CHECK (scope_type IN ('PRINCIPAL', 'GROUP', 'TAG', 'ORGANISATION')),
    scope_value  VARCHAR(400),
    period       VARCHAR(10)   NOT NULL CHECK (period IN ('DAY', 'MONTH', 'CUSTOM')),
    period_start BIGINT,
    period_end   BIGINT,
    limit_micros BIGINT        NOT NULL CHECK (limit_micros > 0),
    -- soft thresholds, percentages of the limit, comma-separated in increasing order ('' for none)
    thresholds   VARCHAR(100)  NOT NULL,
    webhook_url  VARCHAR(2000),
    created_at   BIGINT        NOT NULL
);

-- Running servers poll this row to reload budgets changed by another process (CLI, other nodes).
INSERT INTO store_versions (area, version) VALUES ('budget', 0);
