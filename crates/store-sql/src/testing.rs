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
//! A store that must start with much data (the whole built-in example takes seconds to
//! load) comes from a template instead: [`store_from_template`] fills a template once and
//! gives each test a copy of it:
//!
//! - SQLite: the template is a file made once per test process (a compacted copy of the
//!   filled store, `VACUUM INTO`), and each test gets a plain copy of that file;
//! - PostgreSQL: the template is a database of the test server, made once for all test
//!   processes that ask for the same thing (its name is a digest of the migrations, the
//!   caller's key and the test executable, so a template is never reused by changed code),
//!   and each test gets `CREATE DATABASE … TEMPLATE` of it, dropped with the store (and,
//!   if the process ended first, by a later run, as the schemas are).
//!
//! ```ignore
//! let store = innozone_store_sql::testing::store_from_template("two firms", |store| async move {
//!     store.load_dataset(&two_firms(), &Actor::system(0), &|_| {}).await.unwrap();
//! })
//! .await;
//! ```
//!
//! The helpers panic when the store cannot be made: in a test that is the clearest report.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use innozone_store::Store;
use sha2::{Digest, Sha256};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

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

/// Two stores over one fresh database, each with connections of its own, as two servers
/// sharing a database have (what one writes, the other must see): on PostgreSQL when
/// [`POSTGRES_URL_VAR`] is set, else on SQLite.
pub async fn fresh_store_twice() -> (Arc<dyn Store>, Arc<dyn Store>) {
    match postgres_url() {
        Some(url) => fresh_postgres_twice(&url).await,
        None => fresh_sqlite_twice().await,
    }
}

/// [`fresh_store_twice`] on SQLite: one file opened twice.
pub async fn fresh_sqlite_twice() -> (Arc<dyn Store>, Arc<dyn Store>) {
    let (first, path, folder) = sqlite_in_new_folder().await;
    // The folder goes when both stores have gone.
    let keep: Box<dyn std::any::Any + Send + Sync> = Box::new(folder);
    let second = crate::sqlite::open(&path, Some(keep))
        .await
        .unwrap_or_else(|e| panic!("cannot open {} a second time: {e}", path.display()));
    (first, Arc::new(second))
}

/// [`fresh_store_twice`] on PostgreSQL: one new schema, connected to twice.
pub async fn fresh_postgres_twice(url: &str) -> (Arc<dyn Store>, Arc<dyn Store>) {
    let (first, options) = postgres_in_new_schema(url).await;
    let second = crate::postgres::open(options)
        .await
        .unwrap_or_else(|e| panic!("cannot open the test schema a second time: {e}"));
    (first, Arc::new(second))
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
    sqlite_in_new_folder().await.0
}

/// A fresh SQLite store, its file, and the folder that is removed when the last holder
/// of it (the store, or another store opened on the same file) is dropped.
async fn sqlite_in_new_folder() -> (Arc<dyn Store>, PathBuf, Arc<TempFolder>) {
    let (_, suffix) = unique_suffix();
    let folder = Arc::new(TempFolder(
        std::env::temp_dir().join(format!("innozone-test-{suffix}")),
    ));
    let path = folder.0.join("store.db");
    let keep: Box<dyn std::any::Any + Send + Sync> = Box::new(Arc::clone(&folder));
    let store = crate::sqlite::open(&path, Some(keep))
        .await
        .unwrap_or_else(|e| panic!("cannot make a test SQLite store at {}: {e}", path.display()));
    (Arc::new(store), path, folder)
}

/// A fresh PostgreSQL store: a new schema in the database at `url`.
pub async fn fresh_postgres(url: &str) -> Arc<dyn Store> {
    postgres_in_new_schema(url).await.0
}

/// A fresh PostgreSQL store and the options that connect to its schema.
async fn postgres_in_new_schema(url: &str) -> (Arc<dyn Store>, PgConnectOptions) {
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
    let options = options.options([("search_path", schema.as_str())]);
    let store = crate::postgres::open(options.clone())
        .await
        .unwrap_or_else(|e| panic!("cannot make a test PostgreSQL store in {schema}: {e}"));
    (Arc::new(store), options)
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
    for name in names {
        if is_stale(&name, now) {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS \"{name}\" CASCADE"
            )))
            .execute(&mut *admin)
            .await;
        }
    }
}

/// A copy of the template named `key`, filled by `fill` the first time the template is
/// asked for: on PostgreSQL when [`POSTGRES_URL_VAR`] is set, else on SQLite. `fill` gets
/// an empty, migrated store and must leave in it all a test may start from; it runs once
/// per test process on SQLite, once per test executable (as long as the template database
/// lives) on PostgreSQL. Different contents need different keys.
pub async fn store_from_template<F, Fut>(key: &str, fill: F) -> Arc<dyn Store>
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    match postgres_url() {
        Some(url) => postgres_from_template(&url, key, fill).await,
        None => sqlite_from_template(key, fill).await,
    }
}

/// The templates of this process by key: the SQLite file, or the PostgreSQL database name.
/// The cell is shared by the tests that ask at once: the first fills, the others wait.
fn template_cell(key: &str) -> Arc<tokio::sync::OnceCell<String>> {
    static TEMPLATES: Mutex<Option<HashMap<String, Arc<tokio::sync::OnceCell<String>>>>> =
        Mutex::new(None);
    let mut templates = TEMPLATES.lock().unwrap_or_else(|e| e.into_inner());
    templates
        .get_or_insert_with(HashMap::new)
        .entry(key.to_string())
        .or_default()
        .clone()
}

/// A digest of what a template holds: the migrations (version and checksum), the
/// caller's key, and the test executable (its path, size and time of change), which stands
/// for the code that filled it, since code cannot be hashed.
fn template_digest(migrations: &sqlx::migrate::Migrator, key: &str) -> String {
    let mut hash = Sha256::new();
    for m in migrations.iter() {
        hash.update(m.version.to_le_bytes());
        hash.update(&m.checksum);
    }
    hash.update(key.as_bytes());
    if let Some(run) = test_run() {
        // Every executable of one run is built from the same sources: the run names the
        // code that fills the template, and its executables share the template.
        hash.update(b"run ");
        hash.update(run.as_bytes());
    } else if let Ok(exe) = std::env::current_exe() {
        hash.update(exe.to_string_lossy().as_bytes());
        if let Ok(meta) = std::fs::metadata(&exe) {
            hash.update(meta.len().to_le_bytes());
            let changed = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .unwrap_or_default();
            hash.update(changed.as_nanos().to_le_bytes());
        }
    }
    hex::encode(hash.finalize())
}

/// The environment variable naming one run of the whole test suite (`scripts/test` and
/// `.ci/run` set it): the test executables of that run share their templates, so the
/// example is loaded once per run instead of once per executable.
pub const TEST_RUN_VAR: &str = "INNOZONE_TEST_RUN";

fn test_run() -> Option<String> {
    std::env::var(TEST_RUN_VAR)
        .ok()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// A copy of the SQLite template `key` in a new temporary folder.
pub async fn sqlite_from_template<F, Fut>(key: &str, fill: F) -> Arc<dyn Store>
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let template = sqlite_template_file(key, fill).await;
    let (_, suffix) = unique_suffix();
    let folder = std::env::temp_dir().join(format!("innozone-test-{suffix}"));
    std::fs::create_dir_all(&folder)
        .unwrap_or_else(|e| panic!("cannot make the folder {}: {e}", folder.display()));
    let path = folder.join("store.db");
    std::fs::copy(&template, &path)
        .unwrap_or_else(|e| panic!("cannot copy the template {}: {e}", template.display()));
    let keep: Box<dyn std::any::Any + Send + Sync> = Box::new(TempFolder(folder));
    let store = crate::sqlite::open(&path, Some(keep))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot open a copy of the template at {}: {e}",
                path.display()
            )
        });
    Arc::new(store)
}

/// The file of the SQLite template `key` of this process, made by `fill` on first call:
/// a closed, self-contained database file (no write-ahead log beside it) to copy, e.g. for
/// a test that runs the command line on a database file.
pub async fn sqlite_template_file<F, Fut>(key: &str, fill: F) -> PathBuf
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let cell = template_cell(&format!("sqlite {key}"));
    let path = cell
        .get_or_init(|| async {
            let digest = template_digest(&crate::sqlite::MIGRATIONS, key);
            let folder = template_folder();
            std::fs::create_dir_all(&folder)
                .unwrap_or_else(|e| panic!("cannot make the folder {}: {e}", folder.display()));
            let template = folder.join(format!("{}.db", &digest[..24]));
            // Another executable of the run may be filling the same template: one at a
            // time, and a finished template is used as it is.
            let lock = std::fs::File::create(folder.join(format!("{}.lock", &digest[..24])))
                .unwrap_or_else(|e| panic!("cannot make the template's lock: {e}"));
            let lock = tokio::task::spawn_blocking(move || lock.lock().map(|_| lock))
                .await
                .expect("the lock's thread")
                .unwrap_or_else(|e| panic!("cannot lock the template: {e}"));
            if template.exists() {
                drop(lock);
                return template.to_string_lossy().to_string();
            }
            let (store, source, _) = sqlite_in_new_folder().await;
            fill(store.clone()).await;
            // VACUUM INTO writes the committed state as one compact file; the store keeps
            // its own connections, which only read from here on.
            let mut conn =
                SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&source))
                    .await
                    .unwrap_or_else(|e| panic!("cannot open the filled template: {e}"));
            // Written under another name and renamed, so that a template file is never
            // seen half written.
            let partial = template.with_extension("partial");
            let _ = std::fs::remove_file(&partial);
            sqlx::query("VACUUM INTO ?")
                .bind(partial.to_string_lossy().to_string())
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("cannot write the template {}: {e}", partial.display()));
            let _ = conn.close().await;
            std::fs::rename(&partial, &template)
                .unwrap_or_else(|e| panic!("cannot keep the template {}: {e}", template.display()));
            drop(lock);
            template.to_string_lossy().to_string()
        })
        .await;
    PathBuf::from(path)
}

/// The folder of this process's SQLite templates (of the run's, when [`TEST_RUN_VAR`] is
/// set); the folders of ended processes are removed on the way.
fn template_folder() -> PathBuf {
    let temp = std::env::temp_dir();
    if let Some(run) = test_run() {
        // Removed by the script that set the run.
        return temp.join(format!("innozone-test-run-{run}"));
    }
    let prefix = "innozone-test-templates-";
    if let Ok(entries) = std::fs::read_dir(&temp) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let ended = name
                .strip_prefix(prefix)
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if ended && Path::new("/proc/self").exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    temp.join(format!("{prefix}{}", std::process::id()))
}

/// The prefix of the tests' template databases on PostgreSQL.
const TEMPLATE_PREFIX: &str = "innozone_tpl_";

/// A key of `pg_advisory_lock` held while a template database is made or dropped, so that
/// test processes starting at once make it once ("innozone" in ASCII).
const TEMPLATE_LOCK: i64 = 0x696e_6e6f_7a6f_6e65;

/// A copy of the PostgreSQL template `key` on the server at `url`: a database of its own,
/// dropped with the store.
pub async fn postgres_from_template<F, Fut>(url: &str, key: &str, fill: F) -> Arc<dyn Store>
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let options = PgConnectOptions::from_str(url)
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is not valid: {e}"));
    let cell = template_cell(&format!("postgres {url} {key}"));
    let template = cell
        .get_or_init(|| make_postgres_template(&options, key, fill))
        .await
        .clone();
    let mut admin = PgConnection::connect_with(&options)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test database {url}: {e}"));
    let (now, suffix) = unique_suffix();
    drop_stale_databases(&mut admin, now).await;
    let name = format!("{SCHEMA_PREFIX}{suffix}");
    // FILE_COPY copies the template's files as they are: for a template of hundreds of
    // thousands of rows much faster than the default, which writes every page to the log.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" STRATEGY FILE_COPY"
    )))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("cannot copy the template {template} to {name}: {e}"));
    let _ = admin.close().await;
    let keep: Box<dyn std::any::Any + Send + Sync> = Box::new(TestDatabase {
        admin: options.clone(),
        name: name.clone(),
    });
    let store = crate::postgres::open_keeping(options.database(&name), Some(keep))
        .await
        .unwrap_or_else(|e| panic!("cannot open the copy {name} of the template: {e}"));
    Arc::new(store)
}

/// Makes the template database of `key` unless a complete one is there, and returns its
/// name. Under the advisory lock: one process fills, the others wait and find it made. It
/// is filled under another name and renamed when complete, so a failed fill is never taken
/// for a template; the key's templates of other code are dropped once an hour old.
async fn make_postgres_template<F, Fut>(options: &PgConnectOptions, key: &str, fill: F) -> String
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let key_digest = hex::encode(Sha256::digest(key.as_bytes()));
    let family = format!("{TEMPLATE_PREFIX}{}_", &key_digest[..8]);
    let digest = template_digest(&crate::postgres::MIGRATIONS, key);
    let name = format!("{family}{}", &digest[..24]);
    let filling = format!("{name}_filling");
    let mut admin = PgConnection::connect_with(options)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test database: {e}"));
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot take the template lock: {e}"));
    // The key's templates with the time each was made (in its comment).
    let existing: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT datname::TEXT, shobj_description(oid, 'pg_database') \
         FROM pg_database WHERE datname LIKE $1 || '%'",
    )
    .bind(family.replace('_', "\\_"))
    .fetch_all(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("cannot list the template databases: {e}"));
    if !existing.iter().any(|(n, _)| n == &name) {
        let (now, _) = unique_suffix();
        for (old, made) in existing {
            // A template of other code (another test executable, or an earlier build) is
            // dropped once older than any test run: a process may still copy from it
            // until then. A half-filled one is a failed fill (filling holds the lock).
            let made = made.and_then(|m| m.parse::<u64>().ok()).unwrap_or(0);
            if old.ends_with("_filling") || now.saturating_sub(made) > STALE_SCHEMA_SECONDS {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await;
            }
        }
        execute(&mut admin, &format!("CREATE DATABASE \"{filling}\"")).await;
        let store = crate::postgres::open(options.clone().database(&filling))
            .await
            .unwrap_or_else(|e| panic!("cannot open the template {filling}: {e}"));
        let store: Arc<dyn Store> = Arc::new(store);
        fill(store.clone()).await;
        drop(store);
        // The store's connections close in the background; the rename (and a copy) needs
        // none left, so they are ended here.
        let rename = format!("ALTER DATABASE \"{filling}\" RENAME TO \"{name}\"");
        let mut attempts = 0;
        loop {
            let _ = sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            )
            .bind(&filling)
            .execute(&mut admin)
            .await;
            match sqlx::raw_sql(sqlx::AssertSqlSafe(rename.clone()))
                .execute(&mut admin)
                .await
            {
                Ok(_) => {
                    execute(
                        &mut admin,
                        &format!("COMMENT ON DATABASE \"{name}\" IS '{now}'"),
                    )
                    .await;
                    break;
                }
                Err(e) if attempts >= 50 => panic!("{rename}: {e}"),
                Err(_) => {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    }
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await;
    let _ = admin.close().await;
    name
}

async fn execute(admin: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *admin)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A test's copy of a template, dropped with its store. The store's own runtime may be
/// ending, so the drop runs on a thread of its own.
struct TestDatabase {
    admin: PgConnectOptions,
    name: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropping = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect_with(&admin).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = dropping.join();
    }
}

/// Drops the test databases of finished runs, by the rule of [`drop_stale_schemas`]
/// (their names are made the same way).
async fn drop_stale_databases(admin: &mut PgConnection, now: u64) {
    let names: Vec<String> = match sqlx::query_scalar(
        "SELECT datname::TEXT FROM pg_database WHERE datname LIKE 'innozone\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    {
        Ok(names) => names,
        Err(_) => return,
    };
    for name in names {
        if is_stale(&name, now) {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
            )))
            .execute(&mut *admin)
            .await;
        }
    }
}

/// Whether a test schema or database (named `innozone_test_{seconds}_{pid}_…`) belongs to a
/// finished run: its process no longer runs on this machine, or it is older than
/// [`STALE_SCHEMA_SECONDS`].
fn is_stale(name: &str, now: u64) -> bool {
    // Without /proc (not Linux) only the age tells.
    let can_see_processes = std::path::Path::new("/proc/self").exists();
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
    old || orphaned
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
