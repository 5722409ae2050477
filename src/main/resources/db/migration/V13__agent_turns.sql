-- Managed agents, slice 2 and 3 (docs/design/managed-agents.md sections 4, 6 and 9): turns with
-- their lease, the session's items and committed events, the inbox of inputs, the attempt log that
-- makes a resumed turn decidable, and the session and turn ids on ledger rows and audit events.
CREATE TABLE agent_turns (
    id                  VARCHAR(40) PRIMARY KEY,
    session_id          VARCHAR(40) NOT NULL,
    number              INT NOT NULL,
    status              VARCHAR(20) NOT NULL,
    created_at          BIGINT NOT NULL,
    started_at          BIGINT,
    completed_at        BIGINT,
    deadline_at         BIGINT,
    error_code          VARCHAR(60),
    error_message       TEXT,
    step                INT NOT NULL DEFAULT 0,
    model_calls         INT NOT NULL DEFAULT 0,
    tool_calls          INT NOT NULL DEFAULT 0,
    usage               TEXT,
    cancel_requested_at BIGINT,
    source_ip           VARCHAR(64),
    user_agent          VARCHAR(512),
    lease_owner         VARCHAR(64),
    lease_boot          VARCHAR(40),
    lease_until         BIGINT,
    fence               BIGINT NOT NULL DEFAULT 0,
    UNIQUE (session_id, number)
);
-- At most one open turn per session: a second input while one runs steers it instead.
CREATE UNIQUE INDEX agent_turns_one_active ON agent_turns (session_id)
    WHERE status IN ('queued', 'in_progress', 'waiting');
CREATE INDEX agent_turns_claimable ON agent_turns (lease_until) WHERE status IN ('queued', 'in_progress');
CREATE INDEX agent_turns_by_owner_node ON agent_turns (lease_owner) WHERE status IN ('queued', 'in_progress');

CREATE TABLE agent_items (
    session_id VARCHAR(40) NOT NULL,
    seq        BIGINT NOT NULL,
    id         VARCHAR(48) NOT NULL UNIQUE,
    turn_id    VARCHAR(40) NOT NULL,
    type       VARCHAR(40) NOT NULL,
    status     VARCHAR(20),
    call_id    VARCHAR(80),
    step       INT,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE INDEX agent_items_by_turn ON agent_items (turn_id, seq);
CREATE UNIQUE INDEX agent_items_call ON agent_items (session_id, call_id, type) WHERE call_id IS NOT NULL;

-- Events are numbered on their own, without gaps, so a follower can tell a missed event from none;
-- items keep the session's other sequence (next_seq), which only orders them.
ALTER TABLE agent_sessions ADD COLUMN next_event_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE agent_events (
    session_id VARCHAR(40) NOT NULL,
    seq        BIGINT NOT NULL,
    type       VARCHAR(60) NOT NULL,
    turn_id    VARCHAR(40),
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE INDEX agent_events_by_time ON agent_events (created_at);

CREATE TABLE agent_inbox (
    id              VARCHAR(40) PRIMARY KEY,
    session_id      VARCHAR(40) NOT NULL,
    principal_id    VARCHAR(64) NOT NULL,
    idempotency_key VARCHAR(255),
    body_sha256     CHAR(64) NOT NULL,
    kind            VARCHAR(20) NOT NULL,
    body            TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    turn_id         VARCHAR(40),
    taken_at        BIGINT
);
CREATE UNIQUE INDEX agent_inbox_idempotency ON agent_inbox (session_id, principal_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX agent_inbox_pending ON agent_inbox (session_id, received_at) WHERE taken_at IS NULL;

CREATE TABLE agent_attempts (
    turn_id         VARCHAR(40) NOT NULL,
    step            INT NOT NULL,
    kind            VARCHAR(10) NOT NULL,
    call_id         VARCHAR(80) NOT NULL DEFAULT '',
    attempt         INT NOT NULL,
    request_id      VARCHAR(64) NOT NULL,
    idempotency_key VARCHAR(120),
    status          VARCHAR(20) NOT NULL,
    reserved_micros BIGINT,
    usage           TEXT,
    started_at      BIGINT NOT NULL,
    ended_at        BIGINT,
    PRIMARY KEY (turn_id, step, kind, call_id, attempt)
);

ALTER TABLE usage_ledger ADD COLUMN session_id VARCHAR(40);
ALTER TABLE usage_ledger ADD COLUMN turn_id VARCHAR(40);
CREATE INDEX usage_ledger_by_session ON usage_ledger (session_id, created_at);
ALTER TABLE audit_events ADD COLUMN session_id VARCHAR(40);
ALTER TABLE audit_events ADD COLUMN turn_id VARCHAR(40);
CREATE INDEX audit_events_by_session ON audit_events (session_id, event_time);

-- The built-in ModelAccess policy lets users post input to their sessions and lets those sessions
-- call MCP tools, unless an admin has already rewritten the policy.
UPDATE policies SET document =
    '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"},{"Sid":"AgentSessions","Effect":"Allow","Action":["quarry:CreateAgentSession","quarry:ReadAgentSession","quarry:UpdateAgentSession","quarry:DeleteAgentSession","quarry:SendAgentSessionEvent"],"Resource":"agent-session/*"},{"Sid":"AgentTools","Effect":"Allow","Action":"quarry:CallMcpTool","Resource":"mcp/*"},{"Sid":"SavedAgents","Effect":"Allow","Action":["quarry:CreateAgent","quarry:ReadAgent","quarry:UpdateAgent","quarry:DeleteAgent"],"Resource":"agent/*"}]}'
WHERE name = 'ModelAccess'
  AND document = '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"},{"Sid":"AgentSessions","Effect":"Allow","Action":["quarry:CreateAgentSession","quarry:ReadAgentSession","quarry:UpdateAgentSession","quarry:DeleteAgentSession"],"Resource":"agent-session/*"},{"Sid":"SavedAgents","Effect":"Allow","Action":["quarry:CreateAgent","quarry:ReadAgent","quarry:UpdateAgent","quarry:DeleteAgent"],"Resource":"agent/*"}]}';
