-- Who read which enterprise's filing values, and when: enterprise-level statistics are
-- confidential under the statistics law, so reads are kept as writes are. One row per
-- enterprise read (an export of a park writes one per enterprise in it), pruned after the
-- retention the deployment configures.
CREATE TABLE read_audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    -- No foreign keys: the trail outlives the accounts and enterprises it names.
    user_id BIGINT NOT NULL,
    username TEXT NOT NULL,
    enterprise_id BIGINT NOT NULL,
    -- What was read: filing, filing_history, filings_export, indicator_drill, tier_check …
    what TEXT NOT NULL,
    -- Which of it: the form and period, the indicator, the year.
    detail TEXT NOT NULL
);
CREATE INDEX read_audit_at ON read_audit (at, id);
CREATE INDEX read_audit_enterprise ON read_audit (enterprise_id, at);
CREATE INDEX read_audit_user ON read_audit (username, at);
