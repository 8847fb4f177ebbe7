-- Monitoring: the indicator catalogue and the targets as versioned documents, and the
-- statistics entered per unit and period. All three are only ever appended to: a new
-- version or a new entry supersedes the earlier ones, which stay readable.

CREATE TABLE catalogue_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT NOT NULL
);

CREATE TABLE target_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT NOT NULL
);

-- One row per entry; the current value of (unit, period, code) is its entry with the
-- highest id, and a NULL value clears it.
CREATE TABLE unit_statistics (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    code TEXT NOT NULL,
    value DOUBLE PRECISION,
    note TEXT,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL
);
-- "The latest entry per (unit, period, code)", for the periods asked for.
CREATE INDEX unit_statistics_latest ON unit_statistics (period, unit_id, code, id);
-- One unit's history of one statistic.
CREATE INDEX unit_statistics_history ON unit_statistics (unit_id, code, id);
