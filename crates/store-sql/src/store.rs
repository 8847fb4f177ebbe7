//! The store itself, one per database: its pool and how a write transaction begins.
//! Each area's queries (`registry.rs`, `accounts.rs`, `sessions.rs`, `audit.rs`,
//! `reporting.rs`, `monitoring.rs`, `evaluation.rs`, `cultivation/`) are written once as
//! a `macro_rules!` template and expanded for each database next to it (`sqlite.rs`,
//! `postgres.rs`).
//!
//! sqlx's `Any` driver cannot serve both dialects (its query builder writes `?`, which
//! PostgreSQL rejects), and code generic over `sqlx::Database` drowns in trait bounds, so
//! the templates are expanded with a concrete database type. The SQL is portable: `$N`
//! placeholders (SQLite reads them too), `INSERT … RETURNING`, `COUNT(CASE …)` instead of
//! `SUM` (PostgreSQL sums BIGINT into NUMERIC), dates as sortable text.

macro_rules! sql_store {
    (
        store: $store:ident,
        db: $db:ty,
        backend: $backend:literal,
        begin_write: $begin_write:literal $(,)?
    ) => {
        use innozone_store::{Backend, StoreResult};

        use crate::error::db_error;

        pub(crate) struct $store {
            pool: sqlx::Pool<$db>,
            /// Whatever must live as long as the store (the temporary folder of a test
            /// database).
            _keep: Option<Box<dyn std::any::Any + Send + Sync>>,
        }

        impl $store {
            pub(crate) fn new(
                pool: sqlx::Pool<$db>,
                keep: Option<Box<dyn std::any::Any + Send + Sync>>,
            ) -> Self {
                $store { pool, _keep: keep }
            }

            async fn write(&self) -> StoreResult<sqlx::Transaction<'static, $db>> {
                self.pool.begin_with($begin_write).await.map_err(db_error)
            }
        }

        impl Backend for $store {
            fn backend(&self) -> &'static str {
                $backend
            }
        }
    };
}
