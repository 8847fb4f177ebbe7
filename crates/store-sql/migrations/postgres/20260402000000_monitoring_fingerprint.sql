-- The monitoring fingerprint counts the audit entries of some entities and takes their
-- highest id: read from this index alone once the table is vacuumed, not from the table.
-- SQLite needs no such index: its audit_log_entity carries the id, as every index there
-- holds the rowid.
CREATE INDEX audit_log_entity_id ON audit_log (entity, id);
