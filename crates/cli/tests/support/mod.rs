//! What the command-line tests share.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A database file in `dir` holding the whole built-in example as `innozone example` loads
/// it: a copy of the example loaded once per run of the suite (the command
/// itself is run on an empty database in `evaluation_runs.rs`).
pub fn example_database(dir: &Path, name: &str) -> PathBuf {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    });
    let template = runtime.block_on(innozone_app::testing::example_sqlite_file());
    let db = dir.join(name);
    std::fs::copy(&template, &db).expect("the example's database copies");
    db
}
