-- Recognitions (认定) say where they came from (source: 'example' for a loaded data set,
-- 'imported' from a workbook, 'entered' on the enterprise page), the issuing authority
-- (发证机关), and who recorded them and when. A certificate number is unique within its
-- tier, no longer across tiers.
--
-- History: `recognitions` holds each certificate's current version, which every count
-- and filter reads. A correction first copies the version it replaces into
-- `recognition_revisions`, with who replaced it and when, and only then changes the
-- current row, in one transaction: no version is ever lost. Rows are never deleted; a
-- revoked certificate is a correction of its expiry.
--
-- SQLite cannot drop the column's UNIQUE constraint: the table is rebuilt with its ids.
CREATE TABLE recognitions_new (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    tier TEXT NOT NULL,
    certificate_no TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    expires_on TEXT,
    authority TEXT,
    source TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL
);
INSERT INTO recognitions_new (id, enterprise_id, tier, certificate_no, issued_on, expires_on, authority, source,
    recorded_at, recorded_by)
SELECT id, enterprise_id, tier, certificate_no, issued_on, expires_on, NULL, 'example',
    COALESCE((SELECT MIN(at) FROM audit_log WHERE entity = 'dataset'), 0), 'system'
FROM recognitions;
DROP TABLE recognitions;
ALTER TABLE recognitions_new RENAME TO recognitions;
CREATE UNIQUE INDEX recognitions_certificate ON recognitions (tier, certificate_no);
-- Covering: "holds tier T on date D" reads no table row.
CREATE INDEX recognitions_enterprise ON recognitions (enterprise_id, tier, issued_on, expires_on);
CREATE INDEX recognitions_tier ON recognitions (tier, enterprise_id);
-- The expiring certificates of a period.
CREATE INDEX recognitions_expiry ON recognitions (expires_on);

CREATE TABLE recognition_revisions (
    id INTEGER PRIMARY KEY,
    recognition_id BIGINT NOT NULL REFERENCES recognitions (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    tier TEXT NOT NULL,
    certificate_no TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    expires_on TEXT,
    authority TEXT,
    source TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    replaced_at BIGINT NOT NULL,
    replaced_by TEXT NOT NULL
);
CREATE INDEX recognition_revisions_enterprise ON recognition_revisions (enterprise_id, id);
