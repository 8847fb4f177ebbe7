//! The built-in example for tests (cargo feature `testing`): the tests of this crate and
//! of the web layer and the command line start from the same store, loaded once per test
//! process (per test executable on PostgreSQL) and copied per test, through
//! `innozone_store_sql::testing::store_from_template`.

use std::sync::Arc;

use innozone_store::Store;

/// The template's key: what it holds.
const WHOLE_EXAMPLE: &str = "the built-in example, as `innozone example` loads it";

/// A store of its own holding the whole built-in example as `innozone example` loads it
/// ([`crate::example::load_if_empty`] of the built-in scale): registry,
/// reporting, recognitions, monitoring and evaluation; no account. On PostgreSQL when
/// `INNOZONE_TEST_POSTGRES_URL` is set, else on SQLite.
pub async fn example_store() -> Arc<dyn Store> {
    innozone_store_sql::testing::store_from_template(WHOLE_EXAMPLE, load_whole_example).await
}

/// [`example_store`] on SQLite whatever the environment says, for tests that stay on the
/// embedded store.
pub async fn example_sqlite_store() -> Arc<dyn Store> {
    innozone_store_sql::testing::sqlite_from_template(WHOLE_EXAMPLE, load_whole_example).await
}

/// The file of the SQLite template holding the whole example, for a test that runs the
/// command line on a database file: copy it, do not change it.
pub async fn example_sqlite_file() -> std::path::PathBuf {
    innozone_store_sql::testing::sqlite_template_file(WHOLE_EXAMPLE, load_whole_example).await
}

/// A store of its own holding the built-in example's registry alone (units, enterprises,
/// their recognitions from the data set); no form, filing or account.
pub async fn example_registry_store() -> Arc<dyn Store> {
    innozone_store_sql::testing::store_from_template(
        "the built-in example's registry",
        |store: Arc<dyn Store>| async move {
            store
                .load_dataset(
                    &innozone_example::builtin(),
                    &innozone_store::Actor::system(crate::clock::now_unix()),
                    &|_| {},
                )
                .await
                .expect("the example's registry loads");
        },
    )
    .await
}

async fn load_whole_example(store: Arc<dyn Store>) {
    let loaded = crate::example::load_if_empty(
        store.as_ref(),
        innozone_example::Scale::Builtin,
        true,
        &crate::example::Silently,
    )
    .await
    .expect("the built-in example loads")
    .expect("an empty store takes the example");
    assert!(
        loaded.reporting.is_some()
            && loaded.cultivation.is_some()
            && loaded.monitoring.is_some()
            && loaded.evaluation.is_some(),
        "every part of the example loads into an empty store: {loaded:?}"
    );
}
