-- Managed agents on Amazon Bedrock's tree (/openai/v1/agents/sessions, docs/design/managed-agents.md
-- section 11): a session there names the role it runs as by a role_arn, shown back as given
-- (an IAM role ARN is up to 31 + 128 characters here; run_as_role, too narrow for it, stays unused).
-- The index serves the list of a principal acting for itself, which includes the sessions run as
-- a role on its behalf.
ALTER TABLE agent_sessions ADD COLUMN role_arn VARCHAR(200);
CREATE INDEX agent_sessions_by_assumer ON agent_sessions (created_on_behalf_of, id) WHERE deleted_at IS NULL;
