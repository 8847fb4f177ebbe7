-- Direct reporting (一套表). Form versions are kept as written; a filing points at its
-- latest revision and revisions are only ever appended, so nothing is overwritten.

CREATE TABLE report_forms (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    name_zh TEXT NOT NULL,
    period_type TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE report_periods (
    form_code TEXT NOT NULL,
    period TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    PRIMARY KEY (form_code, period),
    FOREIGN KEY (form_code, form_version) REFERENCES report_forms (code, version)
);

CREATE TABLE period_closures (
    form_code TEXT NOT NULL,
    period TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    closed_at BIGINT NOT NULL,
    closed_by TEXT NOT NULL,
    PRIMARY KEY (form_code, period, unit_id),
    FOREIGN KEY (form_code, period) REFERENCES report_periods (form_code, period)
);

CREATE TABLE filings (
    id INTEGER PRIMARY KEY,
    form_code TEXT NOT NULL,
    period TEXT NOT NULL,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    form_version INTEGER NOT NULL,
    status TEXT NOT NULL,
    locked INTEGER NOT NULL CHECK (locked IN (0, 1)),
    revision INTEGER NOT NULL,
    first_submitted_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (form_code, period, enterprise_id),
    FOREIGN KEY (form_code, period) REFERENCES report_periods (form_code, period)
);
CREATE INDEX filings_enterprise ON filings (enterprise_id);

CREATE TABLE filing_revisions (
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    number INTEGER NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    locked INTEGER NOT NULL CHECK (locked IN (0, 1)),
    form_version INTEGER NOT NULL,
    values_json TEXT NOT NULL,
    explanations_json TEXT NOT NULL,
    note TEXT,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (filing_id, number)
) WITHOUT ROWID;
