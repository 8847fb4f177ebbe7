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
ALTER TABLE recognitions DROP CONSTRAINT recognitions_certificate_no_key;
ALTER TABLE recognitions ADD COLUMN authority TEXT;
ALTER TABLE recognitions ADD COLUMN source TEXT NOT NULL DEFAULT 'example';
ALTER TABLE recognitions ADD COLUMN recorded_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE recognitions ADD COLUMN recorded_by TEXT NOT NULL DEFAULT 'system';
UPDATE recognitions SET recorded_at = COALESCE((SELECT MIN(at) FROM audit_log WHERE entity = 'dataset'), 0);
ALTER TABLE recognitions ALTER COLUMN source DROP DEFAULT;
ALTER TABLE recognitions ALTER COLUMN recorded_at DROP DEFAULT;
ALTER TABLE recognitions ALTER COLUMN recorded_by DROP DEFAULT;
CREATE UNIQUE INDEX recognitions_certificate ON recognitions (tier, certificate_no);
-- The expiring certificates of a period.
CREATE INDEX recognitions_expiry ON recognitions (expires_on);

CREATE TABLE recognition_revisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
