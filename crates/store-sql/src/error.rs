//! From sqlx's errors to the store's. Callers decide on the store's variants (a duplicate
//! is the user's problem, an unreachable database the operator's), so the mapping must
//! name the entity and, where it can, the key.

use innozone_store::StoreError;
use sqlx::error::DatabaseError;

/// The entity a table holds, as the store's errors name it.
fn entity_of_table(table: &str) -> &'static str {
    match table {
        "units" => "unit",
        "unit_memberships" => "membership",
        "enterprises" => "enterprise",
        "enterprise_locations" => "location",
        "recognitions" => "recognition",
        "tier_ladders" => "ladder",
        "users" => "user",
        "filings" | "filing_revisions" => "filing",
        "report_forms" => "form",
        "report_periods" => "period",
        "sessions" => "session",
        "audit_log" => "audit entry",
        _ => "record",
    }
}

/// The table and, if the database says so, the duplicated value of a unique violation.
/// PostgreSQL reports both (`Key (credit_code)=(…) already exists.`); SQLite names only
/// the column (`UNIQUE constraint failed: enterprises.credit_code`).
fn unique_violation(db: &dyn DatabaseError) -> (&'static str, String) {
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        let entity = pg.table().map(entity_of_table).unwrap_or("record");
        let key = pg
            .detail()
            .and_then(|d| d.split_once(")=(").map(|(_, rest)| rest))
            .and_then(|rest| {
                rest.rsplit_once(") already exists")
                    .map(|(value, _)| value.to_string())
            })
            .unwrap_or_else(|| pg.constraint().unwrap_or("unknown").to_string());
        return (entity, key);
    }
    let message = db.message();
    let columns = message.rsplit_once(": ").map(|(_, c)| c).unwrap_or(message);
    let table = columns.split('.').next().unwrap_or("");
    (entity_of_table(table), columns.to_string())
}

/// SQLite's BUSY and LOCKED (primary codes 5 and 6, whatever the extended code): another
/// writer held the database past the busy timeout. Worth retrying, so not a failure of the
/// database.
fn is_sqlite_busy(db: &dyn DatabaseError) -> bool {
    db.try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .and_then(|e| e.code())
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// Maps any sqlx error. A unique violation becomes `Duplicate` with the best key the
/// database gives.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(db) => {
            if db.is_unique_violation() {
                let (entity, key) = unique_violation(db.as_ref());
                StoreError::Duplicate { entity, key }
            } else if db.is_foreign_key_violation() {
                StoreError::Backend(format!(
                    "a referenced record does not exist: {}",
                    db.message()
                ))
            } else if is_sqlite_busy(db.as_ref()) {
                StoreError::Unavailable(db.message().to_string())
            } else if db.is_check_violation() {
                StoreError::Backend(format!(
                    "a value breaks a rule of the schema: {}",
                    db.message()
                ))
            } else {
                StoreError::Backend(db.message().to_string())
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Configuration(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(e.to_string()),
        sqlx::Error::Migrate(m) => StoreError::Migration(m.to_string()),
        other => StoreError::Backend(other.to_string()),
    }
}

/// Like [`db_error`], but a unique violation is reported with the key the caller knows,
/// which is clearer than the column name SQLite gives.
pub(crate) fn keyed(
    entity: &'static str,
    key: impl ToString,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match db_error(e) {
        StoreError::Duplicate { .. } => StoreError::Duplicate {
            entity,
            key: key.to_string(),
        },
        other => other,
    }
}

/// Errors while opening: everything but a failed migration means the database cannot be
/// reached or opened.
pub(crate) fn open_error(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Migrate(m) => StoreError::Migration(m.to_string()),
        other => StoreError::Unavailable(other.to_string()),
    }
}

pub(crate) fn migrate_error(e: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Migration(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_name_their_entities() {
        assert_eq!(entity_of_table("enterprises"), "enterprise");
        assert_eq!(entity_of_table("recognitions"), "recognition");
        assert_eq!(entity_of_table("elsewhere"), "record");
    }
}
