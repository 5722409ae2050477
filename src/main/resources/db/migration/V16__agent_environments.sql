-- Agents that act (docs/design/agents-that-act.md sections 2, 12 and 14): the live state of a
-- session's execution environment (its spec stays in agent_sessions.environment, secrets sealed),
-- and the approvals a person gives or refuses for a call of a tool marked require_approval.
CREATE TABLE agent_environments (
    id               VARCHAR(40) PRIMARY KEY,
    session_id       VARCHAR(40) NOT NULL UNIQUE,
    type             VARCHAR(20) NOT NULL,
    status           VARCHAR(20) NOT NULL,
    executor_version VARCHAR(64),
    error_code       VARCHAR(60),
    error_message    TEXT,
    link_node        VARCHAR(64),
    link_boot        VARCHAR(40),
    link_until       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

-- The credential an executor that dials out to Quarry signs its registration and socket with
-- (SigV4): one per environment, its secret sealed by the master key, shown once at creation.
CREATE TABLE environment_credentials (
    access_key_id  VARCHAR(40) PRIMARY KEY,
    environment_id VARCHAR(40) NOT NULL,
    sealed_secret  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    revoked_at     BIGINT
);
CREATE INDEX environment_credentials_by_environment ON environment_credentials (environment_id);

CREATE TABLE agent_approvals (
    id           VARCHAR(40) PRIMARY KEY,
    session_id   VARCHAR(40) NOT NULL,
    turn_id      VARCHAR(40) NOT NULL,
    item_id      VARCHAR(40) NOT NULL,
    call_id      VARCHAR(80) NOT NULL,
    tool         VARCHAR(200) NOT NULL,
    arguments    TEXT,
    status       VARCHAR(20) NOT NULL,
    requested_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    decided_by   VARCHAR(64),
    decided_at   BIGINT,
    reason       TEXT,
    used_at      BIGINT,
    UNIQUE (turn_id, call_id)
);
CREATE INDEX agent_approvals_by_session ON agent_approvals (session_id, status);
CREATE INDEX agent_approvals_pending ON agent_approvals (status, expires_at);

-- The built-in ModelAccess policy lets sessions use their environment's tools and lets users
-- approve their own agents' actions, unless an admin has already rewritten the policy.
UPDATE policies SET document =
    '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"},{"Sid":"AgentSessions","Effect":"Allow","Action":["quarry:CreateAgentSession","quarry:ReadAgentSession","quarry:UpdateAgentSession","quarry:DeleteAgentSession","quarry:SendAgentSessionEvent"],"Resource":"agent-session/*"},{"Sid":"AgentTools","Effect":"Allow","Action":"quarry:CallMcpTool","Resource":"mcp/*"},{"Sid":"AgentEnvironments","Effect":"Allow","Action":["quarry:RunAgentCommand","quarry:ReadAgentFile","quarry:WriteAgentFile"],"Resource":"agent-environment/*"},{"Sid":"AgentApprovals","Effect":"Allow","Action":"quarry:ApproveAgentAction","Resource":"agent-session/*"},{"Sid":"SavedAgents","Effect":"Allow","Action":["quarry:CreateAgent","quarry:ReadAgent","quarry:UpdateAgent","quarry:DeleteAgent"],"Resource":"agent/*"}]}'
WHERE name = 'ModelAccess'
  AND document = '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"},{"Sid":"AgentSessions","Effect":"Allow","Action":["quarry:CreateAgentSession","quarry:ReadAgentSession","quarry:UpdateAgentSession","quarry:DeleteAgentSession","quarry:SendAgentSessionEvent"],"Resource":"agent-session/*"},{"Sid":"AgentTools","Effect":"Allow","Action":"quarry:CallMcpTool","Resource":"mcp/*"},{"Sid":"SavedAgents","Effect":"Allow","Action":["quarry:CreateAgent","quarry:ReadAgent","quarry:UpdateAgent","quarry:DeleteAgent"],"Resource":"agent/*"}]}';
