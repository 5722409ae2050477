-- Managed agents, slice 1 (docs/design/managed-agents.md section 4): saved agents with their
-- versions, and sessions. Turns, items, events, inbox, attempts and the ledger/audit columns come
-- with the slices that use them (V13 and later). One portable script: epoch millis, TEXT JSON.
CREATE TABLE agents (
    id             VARCHAR(40) PRIMARY KEY,
    owner_id       VARCHAR(64) NOT NULL,
    name           VARCHAR(200),
    latest_version INT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    deleted_at     BIGINT
);
CREATE INDEX agents_by_owner ON agents (owner_id, id);

CREATE TABLE agent_versions (
    agent_id   VARCHAR(40) NOT NULL,
    version    INT NOT NULL,
    spec       TEXT NOT NULL,
    metadata   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (agent_id, version)
);

CREATE TABLE agent_sessions (
    id                   VARCHAR(40) PRIMARY KEY,
    owner_id             VARCHAR(64) NOT NULL,
    created_on_behalf_of VARCHAR(64),
    run_as_role          VARCHAR(64),
    surface              VARCHAR(20) NOT NULL,
    agent_id             VARCHAR(40),
    agent_version        INT,
    spec                 TEXT NOT NULL,
    environment          TEXT NOT NULL,
    metadata             TEXT NOT NULL,
    status               VARCHAR(20) NOT NULL,
    error                TEXT,
    spend_limit_micros   BIGINT,
    next_seq             BIGINT NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL,
    last_active_at       BIGINT NOT NULL,
    deleted_at           BIGINT
);
CREATE INDEX agent_sessions_by_owner ON agent_sessions (owner_id, id) WHERE deleted_at IS NULL;
CREATE INDEX agent_sessions_by_agent ON agent_sessions (agent_id, id);

-- The built-in ModelAccess policy lets users run agent sessions and keep saved agents of their own
-- (ownership still limits each to its creator), unless an admin has already rewritten the policy.
UPDATE policies SET document =
    '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"},{"Sid":"AgentSessions","Effect":"Allow","Action":["quarry:CreateAgentSession","quarry:ReadAgentSession","quarry:UpdateAgentSession","quarry:DeleteAgentSession"],"Resource":"agent-session/*"},{"Sid":"SavedAgents","Effect":"Allow","Action":["quarry:CreateAgent","quarry:ReadAgent","quarry:UpdateAgent","quarry:DeleteAgent"],"Resource":"agent/*"}]}'
WHERE name = 'ModelAccess'
  AND document = '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"}]}';
