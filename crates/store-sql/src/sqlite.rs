//! The embedded backend: one SQLite file, in WAL mode so that readers never wait for the
//! writer.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use innozone_store::StoreError;

use crate::error::{migrate_error, open_error};

pub(crate) static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

sql_store! {
    store: SqliteStore,
    db: sqlx::Sqlite,
    backend: "sqlite",
    // A deferred transaction that reads first and writes later fails at once with
    // SQLITE_BUSY when another writer got in between; taking the write lock up front
    // makes writers queue on the busy timeout instead.
    begin_write: "BEGIN IMMEDIATE",
}

sql_audit! {
    store: SqliteStore,
    db: sqlx::Sqlite,
}

sql_registry! {
    store: SqliteStore,
    db: sqlx::Sqlite,
    // SQLITE_MAX_VARIABLE_NUMBER of the bundled SQLite.
    max_binds: 32766,
    // Deliberately never: with ANALYZE statistics SQLite 3.51 prefers skip-scans of the
    // park index that make listing a zone of many parks ten times slower.
    analyze_after_load: None,
}

sql_accounts! {
    store: SqliteStore,
    db: sqlx::Sqlite,
}

sql_sessions! {
    store: SqliteStore,
    db: sqlx::Sqlite,
}

sql_reporting! {
    store: SqliteStore,
    db: sqlx::Sqlite,
    // Never, as above.
    analyze_after_upload: None,
}

sql_monitoring! {
    store: SqliteStore,
    db: sqlx::Sqlite,
    // Counted filings come a row per thousand enterprises: sqlx's SQLite driver passes
    // every row from its worker thread on its own, which costs more than the query.
    packed_counted_filings: true,
}

sql_evaluation! {
    store: SqliteStore,
    db: sqlx::Sqlite,
}

sql_cultivation! {
    store: SqliteStore,
    db: sqlx::Sqlite,
}

sql_versions! {
    store: SqliteStore,
    db: sqlx::Sqlite,
}

/// Opens (creating file and folder if missing) and migrates the database at `path`.
pub(crate) async fn open(
    path: &Path,
    keep: Option<Box<dyn std::any::Any + Send + Sync>>,
) -> StoreResult<SqliteStore> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(folder).await.map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create the folder {}: {e}",
                folder.display()
            ))
        })?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // In WAL mode NORMAL loses no committed data on a crash of the program, only
        // possibly the last commits on a power failure, and writes much faster.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // 64 MiB of page cache per connection instead of 2: a bulk upload's indexes stay
        // in memory while it writes.
        .pragma("cache_size", "-65536")
        .busy_timeout(Duration::from_secs(30));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(open_error)?;
    MIGRATIONS.run(&pool).await.map_err(migrate_error)?;
    Ok(SqliteStore::new(pool, keep))
}
