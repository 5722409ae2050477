-- IAM-style policies and what they are attached to. Portable SQL: the same file runs on SQLite
-- and PostgreSQL; times are epoch milliseconds.
--
-- Attachments and boundaries name their targets (principal or group NAME, not id), so that this
-- migration can attach the built-in policies to the bootstrap admin and to the built-in group
-- 'users' before either exists as a row. Every change here bumps store_versions 'policy' (V4),
-- which running servers poll to reload their in-memory copy.

CREATE TABLE policies (
    name        VARCHAR(128) PRIMARY KEY,
    document    TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);

CREATE TABLE policy_attachments (
    policy_name VARCHAR(128) NOT NULL REFERENCES policies (name),
    target_type VARCHAR(20)  NOT NULL CHECK (target_type IN ('principal', 'group')),
    target_name VARCHAR(200) NOT NULL,
    PRIMARY KEY (policy_name, target_type, target_name)
);

CREATE TABLE permission_boundaries (
    principal_name VARCHAR(200) PRIMARY KEY,
    policy_name    VARCHAR(128) NOT NULL REFERENCES policies (name)
);

-- The bootstrap admin may do everything; every user and service may call models (default
-- deny would otherwise refuse them all until an admin writes a first policy).
INSERT INTO policies (name, document, created_at, updated_at) VALUES ('AdministratorAccess',
    '{"Version":"2012-10-17","Statement":[{"Sid":"AllowEverything","Effect":"Allow","Action":"*","Resource":"*"}]}', 0, 0);
INSERT INTO policies (name, document, created_at, updated_at) VALUES ('ModelAccess',
    '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"}]}', 0, 0);
INSERT INTO policy_attachments (policy_name, target_type, target_name) VALUES ('AdministratorAccess', 'principal', 'admin');
INSERT INTO policy_attachments (policy_name, target_type, target_name) VALUES ('ModelAccess', 'group', 'users');

UPDATE store_versions SET version = version + 1 WHERE area = 'policy';
