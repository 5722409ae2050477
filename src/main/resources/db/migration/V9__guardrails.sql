-- Guardrails: a working draft per guardrail and its published versions, each a Bedrock-shaped
-- JSON definition. Versions are never updated: publishing adds a row. The ledger records which
-- guardrail a request ran under and whether it intervened. Portable SQL; times are epoch ms.

CREATE TABLE guardrails (
    id          VARCHAR(64)  PRIMARY KEY,
    name        VARCHAR(50)  NOT NULL UNIQUE,
    draft       TEXT         NOT NULL,
    -- 'config' for guardrails the config file defines (kept in step with it at start-up), else 'api'
    origin      VARCHAR(10)  NOT NULL CHECK (origin IN ('config', 'api')),
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);

CREATE TABLE guardrail_versions (
    guardrail_id VARCHAR(64) NOT NULL REFERENCES guardrails (id) ON DELETE CASCADE,
    version      INTEGER     NOT NULL CHECK (version > 0),
    definition   TEXT        NOT NULL,
    created_at   BIGINT      NOT NULL,
    PRIMARY KEY (guardrail_id, version)
);

ALTER TABLE usage_ledger ADD COLUMN guardrail VARCHAR(80);
-- NONE, or where it intervened and how: INPUT_BLOCKED, OUTPUT_ANONYMIZED, INPUT_ANONYMIZED,OUTPUT_BLOCKED ...
ALTER TABLE usage_ledger ADD COLUMN guardrail_action VARCHAR(40);

INSERT INTO store_versions (area, version) VALUES ('guardrail', 0);
