-- Identity administration: tags, groups, roles and who may assume them, key lifecycle, temporary
-- credentials of assumed roles, and the version counters caches poll to notice changes.
-- Portable SQL: the same file runs on SQLite and PostgreSQL. Times are epoch milliseconds.

CREATE TABLE principal_tags (
    principal_id VARCHAR(64)  NOT NULL REFERENCES principals (id),
    tag_key      VARCHAR(128) NOT NULL,
    tag_value    VARCHAR(256) NOT NULL,
    PRIMARY KEY (principal_id, tag_key)
);

CREATE TABLE groups (
    name       VARCHAR(128) PRIMARY KEY,
    created_at BIGINT       NOT NULL
);

CREATE TABLE group_members (
    group_name   VARCHAR(128) NOT NULL REFERENCES groups (name),
    principal_id VARCHAR(64)  NOT NULL REFERENCES principals (id),
    PRIMARY KEY (group_name, principal_id)
);

CREATE INDEX group_members_by_principal ON group_members (principal_id);

-- Every user and service belongs to 'users', so one policy attached to it governs plain callers.
INSERT INTO groups (name, created_at) VALUES ('users', 0);
INSERT INTO group_members (group_name, principal_id) SELECT 'users', id FROM principals WHERE kind IN ('USER', 'SERVICE');

-- Who may assume a role: a principal's name, or 'group:NAME' for every member of a group.
CREATE TABLE role_trust (
    role_id VARCHAR(64)  NOT NULL REFERENCES principals (id),
    trusted VARCHAR(200) NOT NULL,
    PRIMARY KEY (role_id, trusted)
);

-- revoked_at (V1) now marks a deleted key: the row stays so a deleted key is refused as such.
ALTER TABLE api_keys ADD COLUMN disabled_at BIGINT;
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_keys ADD COLUMN description VARCHAR(500);

CREATE INDEX api_keys_by_principal ON api_keys (principal_id);

-- An assumed role's temporary credentials are an expiring key of the role principal (api_keys,
-- access_keys); the session adds who assumed it and the token SigV4 callers must present.
CREATE TABLE role_sessions (
    session_id         VARCHAR(64)  PRIMARY KEY,
    role_id            VARCHAR(64)  NOT NULL REFERENCES principals (id),
    assumed_by         VARCHAR(64)  NOT NULL,
    key_id             VARCHAR(64)  NOT NULL UNIQUE REFERENCES api_keys (id),
    session_token_hash CHAR(64)     NOT NULL,
    created_at         BIGINT       NOT NULL,
    expires_at         BIGINT       NOT NULL
);

-- Bumped in the same transaction as every change to an area, so caches in any process can poll
-- one row to learn that what they hold is stale.
CREATE TABLE store_versions (
    area    VARCHAR(40) PRIMARY KEY,
    version BIGINT      NOT NULL
);

INSERT INTO store_versions (area, version) VALUES ('identity', 0);
INSERT INTO store_versions (area, version) VALUES ('policy', 0);
