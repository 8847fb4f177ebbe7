-- The registry, accounts, sessions and the audit trail (SQLite dialect).
-- Dates are TEXT 'YYYY-MM-DD' so that they compare as strings; timestamps are unix
-- seconds; enums are stored as their code() strings. The PostgreSQL migration differs
-- only where the dialects must: id columns, floating point and boolean types, collation.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL,
    area_km2 REAL,
    population BIGINT,
    -- JSON array of strings.
    leading_industries TEXT NOT NULL DEFAULT '[]',
    spatial_role TEXT
);

CREATE TABLE unit_memberships (
    id INTEGER PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES units (id),
    parent_id BIGINT NOT NULL REFERENCES units (id),
    from_date TEXT NOT NULL,
    until_date TEXT,
    CHECK (child_id <> parent_id),
    CHECK (until_date IS NULL OR until_date > from_date)
);
CREATE INDEX unit_memberships_child ON unit_memberships (child_id, from_date);
CREATE INDEX unit_memberships_parent ON unit_memberships (parent_id);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    credit_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    high_tech_field TEXT,
    size_class TEXT NOT NULL,
    registration_type TEXT NOT NULL,
    contact_name TEXT,
    contact_phone TEXT
);
-- Serves the listing order (name, id); substring search scans it in that order.
CREATE INDEX enterprises_name ON enterprises (name, id);
CREATE INDEX enterprises_industry ON enterprises (industry_code);

CREATE TABLE enterprise_locations (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    park_id BIGINT NOT NULL REFERENCES units (id),
    from_date TEXT NOT NULL,
    until_date TEXT,
    CHECK (until_date IS NULL OR until_date > from_date)
);
-- An enterprise has at most one open location.
CREATE UNIQUE INDEX enterprise_locations_open ON enterprise_locations (enterprise_id) WHERE until_date IS NULL;
CREATE INDEX enterprise_locations_enterprise ON enterprise_locations (enterprise_id, from_date, until_date, park_id);
CREATE INDEX enterprise_locations_park_open ON enterprise_locations (park_id) WHERE until_date IS NULL;
-- Covering: counting by park and date reads no table row.
CREATE INDEX enterprise_locations_park ON enterprise_locations (park_id, from_date, until_date, enterprise_id);

CREATE TABLE recognitions (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    tier TEXT NOT NULL,
    certificate_no TEXT NOT NULL UNIQUE,
    issued_on TEXT NOT NULL,
    expires_on TEXT
);
-- Covering: "holds tier T on date D" reads no table row.
CREATE INDEX recognitions_enterprise ON recognitions (enterprise_id, tier, issued_on, expires_on);
CREATE INDEX recognitions_tier ON recognitions (tier, enterprise_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    binding_kind TEXT NOT NULL CHECK (binding_kind IN ('everything', 'unit', 'enterprise')),
    binding_unit_id BIGINT REFERENCES units (id),
    binding_enterprise_id BIGINT REFERENCES enterprises (id),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at BIGINT NOT NULL,
    CHECK ((binding_kind = 'unit') = (binding_unit_id IS NOT NULL)),
    CHECK ((binding_kind = 'enterprise') = (binding_enterprise_id IS NOT NULL))
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    -- No foreign key: the trail outlives whatever it names, and the system has no user.
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);
CREATE INDEX audit_log_actor ON audit_log (actor_name);
