//! Fresh stores for tests (cargo feature `testing`), here and in the crates built on the
//! store. Every call gives an empty, migrated store of its own, so tests run in parallel:
//!
//! - SQLite: a file in a new temporary folder, removed when the store is dropped;
//! - PostgreSQL, when [`POSTGRES_URL_VAR`] is set: a new schema with a unique name in that
//!   database, selected through the connections' `search_path`. Each call first drops the
//!   schemas of finished runs (their process gone from this machine, or older than an
//!   hour), so the test database does not fill up; do not share it with another machine's
//!   test runs.
//!
//! ```ignore
//! #[tokio::test]
//! async fn lists_nothing_at_first() {
//!     let store = innozone_store_sql::testing::fresh_store().await;
//!     assert!(store.is_empty().await.unwrap());
//! }
//! ```
//!
//! The helpers panic when the store cannot be made: in a test that is the clearest report.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use innozone_store::Store;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// The environment variable with the URL of a PostgreSQL database for tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/test`.
pub const POSTGRES_URL_VAR: &str = "INNOZONE_TEST_POSTGRES_URL";

/// Test schemas older than this are dropped by later runs, whoever made them: longer than
/// any test run.
const STALE_SCHEMA_SECONDS: u64 = 3600;

const SCHEMA_PREFIX: &str = "innozone_test_";

/// The PostgreSQL URL for tests, if [`POSTGRES_URL_VAR`] is set and not empty.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// A fresh store: on PostgreSQL when [`POSTGRES_URL_VAR`] is set, else on SQLite.
pub async fn fresh_store() -> Arc<dyn Store> {
    match postgres_url() {
        Some(url) => fresh_postgres(&url).await,
        None => fresh_sqlite().await,
    }
}

/// A name no other test of this or another process is using.
fn unique_suffix() -> (u64, String) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let suffix = format!(
        "{}_{}_{}_{}",
        since_epoch.as_secs(),
        std::process::id(),
        since_epoch.subsec_nanos(),
        n
    );
    (since_epoch.as_secs(), suffix)
}

/// Removes the temporary folder of a test database with the store.
struct TempFolder(PathBuf);

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh SQLite store in a new temporary folder.
pub async fn fresh_sqlite() -> Arc<dyn Store> {
    let (_, suffix) = unique_suffix();
    let folder = std::env::temp_dir().join(format!("innozone-test-{suffix}"));
    let path = folder.join("store.db");
    let keep: Box<dyn std::any::Any + Send + Sync> = Box::new(TempFolder(folder));
    let store = crate::sqlite::open(&path, Some(keep))
        .await
        .unwrap_or_else(|e| panic!("cannot make a test SQLite store at {}: {e}", path.display()));
    Arc::new(store)
}

/// A fresh PostgreSQL store: a new schema in the database at `url`.
pub async fn fresh_postgres(url: &str) -> Arc<dyn Store> {
    let options = PgConnectOptions::from_str(url)
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is not valid: {e}"));
    let mut admin = PgConnection::connect_with(&options)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test database {url}: {e}"));
    let (now, suffix) = unique_suffix();
    drop_stale_schemas(&mut admin, now).await;
    let schema = format!("{SCHEMA_PREFIX}{suffix}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create the schema {schema}: {e}"));
    let _ = admin.close().await;
    let store = crate::postgres::open(options.options([("search_path", schema.as_str())]))
        .await
        .unwrap_or_else(|e| panic!("cannot make a test PostgreSQL store in {schema}: {e}"));
    Arc::new(store)
}

/// Drops the schemas of finished test runs: those whose process (named in the schema) no
/// longer runs on this machine, and any older than [`STALE_SCHEMA_SECONDS`]. Failures are
/// ignored: another process may be dropping the same schema, and a leftover schema harms
/// nothing.
async fn drop_stale_schemas(admin: &mut PgConnection, now: u64) {
    let names: Vec<String> = match sqlx::query_scalar(
        "SELECT nspname::TEXT FROM pg_namespace WHERE nspname LIKE 'innozone\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    {
        Ok(names) => names,
        Err(_) => return,
    };
    // Without /proc (not Linux) only the age tells.
    let can_see_processes = std::path::Path::new("/proc/self").exists();
    for name in names {
        let mut parts = name
            .strip_prefix(SCHEMA_PREFIX)
            .unwrap_or_default()
            .split('_');
        let created = parts.next().and_then(|secs| secs.parse::<u64>().ok());
        let pid = parts.next().and_then(|pid| pid.parse::<u32>().ok());
        let old = created.is_some_and(|c| now.saturating_sub(c) > STALE_SCHEMA_SECONDS);
        let orphaned = can_see_processes
            && pid.is_some_and(|p| {
                p != std::process::id() && !std::path::Path::new(&format!("/proc/{p}")).exists()
            });
        if old || orphaned {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS \"{name}\" CASCADE"
            )))
            .execute(&mut *admin)
            .await;
        }
    }
}

/// Expands each named async test function `name(store: Arc<dyn Store>)` of the calling
/// test file into one test per backend: `sqlite::name` always, `postgres::name` when
/// [`POSTGRES_URL_VAR`] is set (skipped with a note otherwise), each on a fresh store.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::testing::fresh_sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(url) = $crate::testing::postgres_url() else {
                        eprintln!(
                            "{} is not set: PostgreSQL not tested",
                            $crate::testing::POSTGRES_URL_VAR
                        );
                        return;
                    };
                    super::$name($crate::testing::fresh_postgres(&url).await).await;
                }
            )*
        }
    };
}
