//! `innozone template recognitions` and `innozone import recognitions` as a script sees
//! them.

use std::path::Path;
use std::process::{Command, Output};

fn innozone(database: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_innozone"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("INNOZONE_LANG")
        .output()
        .expect("the binary runs")
}

#[test]
fn the_template_imports_back_and_a_bad_file_is_refused_with_its_places() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let template = dir.path().join("认定.xlsx");
    let o = innozone(
        &db,
        &["template", "recognitions", template.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The template's example row names an enterprise this empty store does not have: the
    // check says where, and nothing is written.
    let o = innozone(
        &db,
        &[
            "import",
            "recognitions",
            template.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("第 2 行 A 列（统一社会信用代码）"), "{err}");
    assert!(
        err.contains("没有统一社会信用代码为“914403001922038216”的登记企业"),
        "{err}"
    );

    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "统一社会信用代码,认定类型,证书编号,发证日期,有效期至\n\
         914403001922038216,高新技术企业,GR1,2024-12-01,2023-12-01\n",
    )
    .unwrap();
    let o = innozone(&db, &["import", "recognitions", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("第 2 行 E 列（有效期至）"), "{err}");
    assert!(err.contains("不晚于发证日期 2024-12-01"), "{err}");
    // Recognitions are not exported.
    let o = innozone(&db, &["export", "recognitions", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
}
