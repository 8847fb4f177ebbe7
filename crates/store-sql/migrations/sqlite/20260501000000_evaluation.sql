-- Evaluation: the schemes as versioned documents (a series of versions per scheme code),
-- the values entered for an evaluation per scheme, unit, period and item, and the runs.
-- All three are only ever appended to: a new version or a new entry supersedes the earlier
-- ones, which stay readable; a run is never changed.

CREATE TABLE evaluation_schemes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    source TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT NOT NULL
);
-- The versions of one scheme, and the latest of each.
CREATE INDEX evaluation_schemes_code ON evaluation_schemes (code, id);

-- One row per entry; the current value of (scheme, unit, period, item) is its entry with
-- the highest id, and a NULL value clears it.
CREATE TABLE evaluation_inputs (
    id INTEGER PRIMARY KEY,
    scheme TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    item TEXT NOT NULL,
    value REAL,
    note TEXT,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL
);
-- "The latest entry per (scheme, period, unit, item)", for the periods asked for.
CREATE INDEX evaluation_inputs_latest ON evaluation_inputs (scheme, period, unit_id, item, id);
-- One unit's history of one item of a scheme.
CREATE INDEX evaluation_inputs_history ON evaluation_inputs (scheme, unit_id, item, id);

-- A run as it was computed: its inputs and result are the application's JSON text, kept
-- byte for byte.
CREATE TABLE evaluation_runs (
    id INTEGER PRIMARY KEY,
    scheme TEXT NOT NULL,
    scheme_version BIGINT NOT NULL REFERENCES evaluation_schemes (id),
    period TEXT NOT NULL,
    scope_id BIGINT NOT NULL REFERENCES units (id),
    basis TEXT NOT NULL,
    inputs_digest TEXT NOT NULL,
    inputs TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
-- The runs of one scheme, newest first.
CREATE INDEX evaluation_runs_scheme ON evaluation_runs (scheme, id);
