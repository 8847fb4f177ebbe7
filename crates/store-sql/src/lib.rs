//! The storage backends of innozone: SQLite (embedded, the default) and PostgreSQL, both
//! behind [`innozone_store::Store`].
//!
//! ```no_run
//! # async fn run() -> innozone_store::StoreResult<()> {
//! // A file path (created with its folder if missing) or a postgres:// URL.
//! let store = innozone_store_sql::connect("data/innozone.db").await?;
//! assert_eq!(store.backend(), "sqlite");
//! # Ok(()) }
//! ```
//!
//! The query code is written once per area, in a file named after it (`registry.rs`,
//! `accounts.rs`, `sessions.rs`, `audit.rs`, `reporting.rs`, `monitoring.rs`,
//! `evaluation.rs`, `cultivation/`), as a template expanded for each database by
//! `sqlite.rs` and `postgres.rs` (`store.rs` holds the store itself); the schema lives in
//! `migrations/sqlite` and `migrations/postgres`, which differ only where the dialects
//! must. The store never reads the clock: a write's time is its `Actor`'s.
//!
//! With the cargo feature `testing`, [`testing`] hands out fresh, migrated stores for
//! tests: SQLite by default, PostgreSQL when `INNOZONE_TEST_POSTGRES_URL` is set.

#[macro_use]
mod store;
#[macro_use]
mod audit;
#[macro_use]
mod registry;
#[macro_use]
mod accounts;
#[macro_use]
mod sessions;
#[macro_use]
mod reporting;
#[macro_use]
mod monitoring;
#[macro_use]
mod evaluation;
#[macro_use]
mod cultivation;
#[macro_use]
mod versions;
mod error;
mod model;
mod postgres;
mod reporting_rows;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use innozone_store::{Store, StoreError, StoreResult};
use sqlx::postgres::PgConnectOptions;

/// Opens the store named by `database` and brings its schema up to date.
///
/// `database` is a `postgres://` (or `postgresql://`) URL, or else the path of a SQLite
/// file, optionally prefixed with `sqlite:` or `sqlite://`; the file and its folder are
/// created if missing.
pub async fn connect(database: &str) -> StoreResult<Arc<dyn Store>> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        let options = PgConnectOptions::from_str(database)
            .map_err(|e| StoreError::Unavailable(format!("the database URL is not valid: {e}")))?;
        Ok(Arc::new(postgres::open(options).await?))
    } else {
        let path = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .unwrap_or(database);
        if path.is_empty() {
            return Err(StoreError::Unavailable(
                "no database file was given".to_string(),
            ));
        }
        Ok(Arc::new(sqlite::open(Path::new(path), None).await?))
    }
}
