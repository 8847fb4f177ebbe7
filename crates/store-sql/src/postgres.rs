//! The server backend: PostgreSQL, for installations that outgrow one file.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::error::{migrate_error, open_error};

pub(crate) static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

sql_store! {
    store: PostgresStore,
    db: sqlx::Postgres,
    backend: "postgres",
    begin_write: "BEGIN",
}

sql_audit! {
    store: PostgresStore,
    db: sqlx::Postgres,
}

sql_registry! {
    store: PostgresStore,
    db: sqlx::Postgres,
    // The wire protocol counts bind parameters in 16 bits.
    max_binds: 65535,
    // Without statistics on the freshly loaded tables the planner guesses a handful of
    // rows and picks plans a thousand times slower; autovacuum would gather them only later.
    analyze_after_load: Some("ANALYZE units, unit_memberships, enterprises, enterprise_locations, recognitions"),
}

sql_accounts! {
    store: PostgresStore,
    db: sqlx::Postgres,
}

sql_sessions! {
    store: PostgresStore,
    db: sqlx::Postgres,
}

sql_reporting! {
    store: PostgresStore,
    db: sqlx::Postgres,
    // Likewise after a bulk upload of filings, which autovacuum would analyse only a minute
    // or so later: until then the planner takes a period's quarter of a million filings
    // for a handful, and counting them for monitoring takes two to three times as long.
    analyze_after_upload: Some("ANALYZE filings, filing_revisions"),
}

sql_monitoring! {
    store: PostgresStore,
    db: sqlx::Postgres,
    // Counted filings come a row each: the wire protocol carries rows cheaply, and
    // grouping them would cost the server a sort.
    packed_counted_filings: false,
}

sql_evaluation! {
    store: PostgresStore,
    db: sqlx::Postgres,
}

sql_cultivation! {
    store: PostgresStore,
    db: sqlx::Postgres,
}

sql_versions! {
    store: PostgresStore,
    db: sqlx::Postgres,
}

/// Connects and migrates. The schema is the first of the connection's `search_path`.
pub(crate) async fn open(options: PgConnectOptions) -> StoreResult<PostgresStore> {
    open_keeping(options, None).await
}

/// [`open`], keeping `keep` alive as long as the store (the tests' copies of a template
/// drop their database with it).
pub(crate) async fn open_keeping(
    options: PgConnectOptions,
    keep: Option<Box<dyn std::any::Any + Send + Sync>>,
) -> StoreResult<PostgresStore> {
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .map_err(open_error)?;
    MIGRATIONS.run(&pool).await.map_err(migrate_error)?;
    Ok(PostgresStore::new(pool, keep))
}
