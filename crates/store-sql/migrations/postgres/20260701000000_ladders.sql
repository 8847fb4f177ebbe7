-- The enterprise ladder of tiers (梯度培育 认定条件) as versions a zone installs: the file
-- as written, the version number it declares (installed once, never overwritten), the
-- form its criteria were checked against, and who installed it when. Only ever appended
-- to; the version in force is the one with the highest number.

CREATE TABLE tier_ladders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version BIGINT NOT NULL CHECK (version >= 1),
    form_code TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    source TEXT NOT NULL,
    installed_at BIGINT NOT NULL,
    installed_by TEXT NOT NULL
);
-- A version number is installed once; also the order of the versions.
CREATE UNIQUE INDEX tier_ladders_version ON tier_ladders (version);
