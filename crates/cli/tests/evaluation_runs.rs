//! `innozone evaluation` on the built-in example, as a script sees it: the kept runs, a
//! run's ranking with its consequences, a re-run on unchanged data, the development index,
//! and refusals with their exit codes.

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

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

#[test]
fn the_example_runs_are_kept_shown_and_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("evaluation.sqlite");
    assert!(innozone(&db, &["example"]).status.success());

    let (out, _) = text(&innozone(&db, &["evaluation", "runs"]));
    let years: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("lanbai_parks"))
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(years, ["2020", "2019", "2018", "2017", "2016", "2015"]);
    let id_2018 = out
        .lines()
        .find(|l| l.contains(" 2018 "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();

    // 石化产业园区 last, unqualified, criticised and recommended for revocation.
    let (out, err) = text(&innozone(&db, &["evaluation", "show", &id_2018]));
    assert!(err.is_empty(), "{err}");
    let last = out.lines().last().unwrap();
    assert!(last.contains("LB-XQ-SH"), "{out}");
    assert!(last.trim_start().starts_with("20 "), "{last}");
    assert!(last.contains("不合格"), "{last}");
    assert!(last.contains("报请撤销资格"), "{last}");

    // The same data: the kept run stands, no new one.
    let o = innozone(
        &db,
        &[
            "evaluation",
            "run",
            "--scheme",
            "lanbai_parks",
            "--scope",
            "LB",
            "--year",
            "2018",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains(&format!("沿用已有结果 #{id_2018}")), "{out}");
    let (out, _) = text(&innozone(&db, &["evaluation", "runs"]));
    assert_eq!(
        out.lines().filter(|l| l.contains("lanbai_parks")).count(),
        6
    );

    // The development index: 2014 is the base, 100.
    let (out, err) = text(&innozone(
        &db,
        &[
            "evaluation",
            "index",
            "--scheme",
            "lanbai_development_index",
            "--unit",
            "LB",
            "--to",
            "2020",
        ],
    ));
    assert!(err.is_empty(), "{err}");
    let base = out
        .lines()
        .find(|l| l.trim_start().starts_with("2014"))
        .unwrap();
    assert!(base.contains("100.00"), "{base}");
    assert_eq!(
        out.lines()
            .filter(|l| l.trim_start().starts_with("20"))
            .count(),
        7,
        "2014 to 2020: {out}"
    );

    // Refusals: an unknown zone (5), a scheme that is not an index (3), a bad scheme file
    // with its line (3), which installs nothing.
    let o = innozone(
        &db,
        &[
            "evaluation",
            "run",
            "--scheme",
            "lanbai_parks",
            "--scope",
            "NOPE",
            "--year",
            "2018",
        ],
    );
    assert_eq!(o.status.code(), Some(5), "{:?}", text(&o));
    let o = innozone(
        &db,
        &[
            "evaluation",
            "index",
            "--scheme",
            "lanbai_parks",
            "--unit",
            "LB",
            "--to",
            "2020",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{:?}", text(&o));
    assert!(text(&o).1.contains("base_year"), "{:?}", text(&o));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "code = \"x\"\nversion = 0\n").unwrap();
    let o = innozone(&db, &["evaluation", "install", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{:?}", text(&o));
    assert!(text(&o).1.contains("第 "), "{:?}", text(&o));
    let (out, _) = text(&innozone(&db, &["evaluation", "schemes"]));
    assert_eq!(
        out.lines().filter(|l| l.starts_with("评价方案")).count(),
        2,
        "{out}"
    );
}
