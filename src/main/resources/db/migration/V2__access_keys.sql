-- SigV4 key pairs (AWS-style access key id and secret access key) for AWS clients.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.
--
-- A pair is the second form of an API key, issued with it; revoking the API key (api_keys.revoked_at)
-- revokes the pair. Verifying a signature needs the secret itself, so it cannot be hashed like an
-- API key: it is stored sealed with AES-256-GCM under its own data key, and the data key is sealed
-- under the master key (QUARRY_MASTER_KEY or master.key in the data folder). Both as base64 text.

CREATE TABLE access_keys (
    access_key_id   VARCHAR(20)  PRIMARY KEY,
    key_id          VARCHAR(64)  NOT NULL UNIQUE REFERENCES api_keys (id),
    sealed_data_key VARCHAR(200) NOT NULL,
    sealed_secret   VARCHAR(200) NOT NULL,
    created_at      BIGINT       NOT NULL
);
