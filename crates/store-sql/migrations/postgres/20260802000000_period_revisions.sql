-- How many revisions the filings of each period have had: raised in the transaction that
-- appends them, so that a server keeping a period's figures in memory reads one row to
-- know whether they still hold (instead of summing the revision numbers of a quarter of a
-- million filings per request). Started from the revisions already stored.

ALTER TABLE report_periods ADD COLUMN revisions BIGINT NOT NULL DEFAULT 0;
UPDATE report_periods SET revisions = (
    SELECT COALESCE(SUM(f.revision), 0) FROM filings f
    WHERE f.form_code = report_periods.form_code AND f.period = report_periods.period
);
