-- Calls made through an assumed role name the principal that assumed it, in the ledger (by id,
-- as principal_id) and in the audit trail (by name, as principal_name, so the trail reads on its
-- own after the principal is gone). NULL for every other call. Portable SQL: SQLite and PostgreSQL.

ALTER TABLE usage_ledger ADD COLUMN on_behalf_of VARCHAR(64);
ALTER TABLE audit_events ADD COLUMN on_behalf_of VARCHAR(200);

CREATE INDEX usage_ledger_by_on_behalf_of ON usage_ledger (on_behalf_of, created_at);
