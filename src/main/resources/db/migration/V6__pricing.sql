-- Cost governance: versioned price sheets, the cost of every ledger row, and committed spend.
-- Portable SQL: the same file runs on SQLite and PostgreSQL. Times are epoch milliseconds; money
-- is whole micro-dollars (BIGINT) and prices are exact decimal text, so no float ever touches money.

-- One price of a model on a platform, in force from effective_from (a UTC day, epoch ms of its
-- midnight) until the next entry of the same model and platform. Entries are never edited: a
-- price change is a new entry, so old usage stays priced at the price of its day.
CREATE TABLE price_entries (
    model             VARCHAR(200) NOT NULL,
    platform          VARCHAR(40)  NOT NULL,
    effective_from    BIGINT       NOT NULL,
    currency          VARCHAR(3)   NOT NULL,
    input             VARCHAR(40)  NOT NULL,
    output            VARCHAR(40)  NOT NULL,
    cache_read        VARCHAR(40),
    cache_write       VARCHAR(40),
    cache_write_1h    VARCHAR(40),
    batch_discount    VARCHAR(40),
    created_at        BIGINT       NOT NULL,
    PRIMARY KEY (model, platform, effective_from)
);

-- cost_micros is NULL when the model had no price on its platform that day; platform is the
-- price sheet's platform of the provider that served (so reports need not know the config).
ALTER TABLE usage_ledger ADD COLUMN platform VARCHAR(40);
ALTER TABLE usage_ledger ADD COLUMN cost_micros BIGINT;
ALTER TABLE usage_ledger ADD COLUMN currency VARCHAR(3);

-- A commitment: amount committed for a period at a discount; eligible usage draws it down at the
-- discounted price. Empty eligibility lists (stored as '') mean "every model" / "every platform".
CREATE TABLE commitments (
    id               VARCHAR(64)  PRIMARY KEY,
    name             VARCHAR(200) NOT NULL UNIQUE,
    amount_micros    BIGINT       NOT NULL,
    currency         VARCHAR(3)   NOT NULL,
    period_start     BIGINT       NOT NULL,
    period_end       BIGINT       NOT NULL,
    discount_rate    VARCHAR(20)  NOT NULL,
    models           VARCHAR(2000) NOT NULL,
    platforms        VARCHAR(400) NOT NULL,
    created_at       BIGINT       NOT NULL
);

INSERT INTO store_versions (area, version) VALUES ('pricing', 0);
