-- Vaults (docs/design/agents-that-act.md section 11): an owner's stores of static bearer tokens
-- for MCP servers, and the vaults each session was created with. A token is kept sealed by the
-- master key only (bound to its vault and credential id); no column holds it in the clear.
CREATE TABLE vaults (
    id         VARCHAR(40) PRIMARY KEY,
    owner_id   VARCHAR(64) NOT NULL,
    name       VARCHAR(200),
    metadata   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX vaults_by_owner ON vaults (owner_id, id);

CREATE TABLE vault_credentials (
    id             VARCHAR(40) PRIMARY KEY,
    vault_id       VARCHAR(40) NOT NULL,
    name           VARCHAR(200) NOT NULL,
    mcp_server_url TEXT NOT NULL,
    sealed_token   TEXT NOT NULL,
    metadata       TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    deleted_at     BIGINT
);
CREATE INDEX vault_credentials_by_vault ON vault_credentials (vault_id, id);

CREATE TABLE agent_session_vaults (
    session_id VARCHAR(40) NOT NULL,
    vault_id   VARCHAR(40) NOT NULL,
    position   INT NOT NULL,
    PRIMARY KEY (session_id, vault_id)
);

-- The built-in ModelAccess policy lets users keep vaults of their own and lets their sessions use
-- the credentials in them, unless an admin has rewritten the policy: the statement is added after
-- the built-in agent tools' statement when the statements up to it are still as shipped (whatever
-- a later built-in statement after them says), and only once.
UPDATE policies SET document = REPLACE(document, '{"Sid":"AgentTools","Effect":"Allow","Action":"quarry:CallMcpTool","Resource":"mcp/*"}',
    '{"Sid":"AgentTools","Effect":"Allow","Action":"quarry:CallMcpTool","Resource":"mcp/*"},{"Sid":"Vaults","Effect":"Allow","Action":["quarry:CreateVault","quarry:ReadVault","quarry:DeleteVault","quarry:WriteVaultCredential","quarry:UseVaultCredential"],"Resource":"vault/*"}')
WHERE name = 'ModelAccess'
  AND document NOT LIKE '%"Sid":"Vaults"%'
  AND document LIKE '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"},{"Sid":"AgentSessions","Effect":"Allow","Action":["quarry:CreateAgentSession","quarry:ReadAgentSession","quarry:UpdateAgentSession","quarry:DeleteAgentSession","quarry:SendAgentSessionEvent"],"Resource":"agent-session/*"},{"Sid":"AgentTools","Effect":"Allow","Action":"quarry:CallMcpTool","Resource":"mcp/*"}%';
