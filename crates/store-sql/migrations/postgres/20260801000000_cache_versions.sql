-- Versions of what servers keep in memory between requests (the unit hierarchy, …): one
-- row per area, raised in the transaction of every write that changes the area, so that
-- each of several servers over this database reads one row per request to know whether
-- its copy is still the stored one.

CREATE TABLE cache_versions (
    area TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO cache_versions (area, version) VALUES ('hierarchy', 1);
