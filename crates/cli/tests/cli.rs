//! The command line as a script sees it: exit codes, messages on standard error, and that
//! a refused import changes nothing.

use std::path::Path;
use std::process::{Command, Output};

use innozone_domain::registry::CreditCode;

fn innozone(database: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_innozone"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("INNOZONE_LANG")
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Lines of an exported CSV, header included (the export starts with a UTF-8 BOM).
fn exported_rows(database: &Path, dir: &Path, name: &str) -> Vec<String> {
    let file = dir.join(name);
    let o = innozone(database, &["export", "enterprises", file.to_str().unwrap()]);
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn every_verb_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("help.sqlite");
    for verb in [
        "serve",
        "import",
        "export",
        "template",
        "user",
        "example",
        "form",
        "filings",
        "indicators",
        "targets",
        "statistics",
        "bench",
    ] {
        let o = innozone(&db, &[verb, "--help"]);
        assert!(o.status.success(), "{verb} --help");
        assert!(
            stdout(&o).contains("--database"),
            "{verb} --help names --database"
        );
    }
    // A wrong verb is a usage error.
    assert_eq!(innozone(&db, &["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_bad_file_lists_every_problem_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bad.sqlite");
    let o = innozone(&db, &["example"]);
    assert!(o.status.success(), "example: {}", stderr(&o));
    // A second load is refused: the store is not empty.
    assert_eq!(innozone(&db, &["example"]).status.code(), Some(5));

    let before = exported_rows(&db, dir.path(), "before.csv");
    // The example holds the seed districts' 6,200 Lanbai enterprises (seed 001) and the
    // Panzhihua ones, located today in their parks.
    assert!(before.len() > 6_000, "{} rows exported", before.len());

    // Huawei's published code with its last character changed: 914403001922038216 is
    // right, so '7' is the wrong check character (worked by hand in the domain's tests).
    let good = CreditCode::complete("91620100MA7ABCDE1").unwrap();
    let csv = format!(
        "统一社会信用代码 (credit_code),企业名称 (name),行业代码 (industry_code),规模 (size_class),登记注册类型 (registration_type),所在园区代码 (park_code)\n\
         914403001922038217,甲科技有限公司,6511,规上,私营企业,LB-GX-YT\n\
         {good},乙科技有限公司,6511,规下,私营企业,NO-SUCH-PARK\n\
         {good},丙科技有限公司,99AB,规上,私营企业,LB-GX-YT\n"
    );
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, csv).unwrap();
    let o = innozone(&db, &["import", "enterprises", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "invalid input: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("第 2 行 A 列（统一社会信用代码）"), "{err}");
    assert!(err.contains("按前 17 位计算应为“6”，实际为“7”"), "{err}");
    assert!(err.contains("第 3 行 F 列（所在园区代码）"), "{err}");
    assert!(err.contains("没有代码为“NO-SUCH-PARK”的单位"), "{err}");
    assert!(
        err.contains("第 4 行 A 列"),
        "duplicate code reported: {err}"
    );
    assert!(err.contains("第 4 行 C 列（行业代码）"), "{err}");

    // English on request.
    let o = Command::new(env!("CARGO_BIN_EXE_innozone"))
        .args([
            "--database",
            db.to_str().unwrap(),
            "--lang",
            "en",
            "import",
            "enterprises",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("Row 2, column A (Credit code)"),
        "{}",
        stderr(&o)
    );

    assert_eq!(
        exported_rows(&db, dir.path(), "after.csv"),
        before,
        "nothing changed"
    );
}

#[test]
fn a_dry_run_checks_and_a_commit_applies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("good.sqlite");
    assert!(innozone(&db, &["example"]).status.success());
    let code = CreditCode::complete("91620100MA7XYWT01").unwrap();
    let file = dir.path().join("good.csv");
    std::fs::write(
        &file,
        format!("credit_code,name,industry_code,size_class,registration_type,park_code,located_since\n{code},兰州测试新材料有限公司,3240,规下,有限责任公司,LB-GX-HP,2024-05-01\n"),
    )
    .unwrap();
    let before = exported_rows(&db, dir.path(), "before.csv");
    let o = innozone(
        &db,
        &["import", "enterprises", file.to_str().unwrap(), "--dry-run"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("未写入任何数据"), "{}", stdout(&o));
    assert_eq!(exported_rows(&db, dir.path(), "dry.csv"), before);

    let o = innozone(&db, &["import", "enterprises", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = exported_rows(&db, dir.path(), "after.csv");
    assert_eq!(after.len(), before.len() + 1);
    assert!(
        after.iter().any(|l| l.contains(code.as_str())
            && l.contains("LB-GX-HP")
            && l.contains("2024-05-01"))
    );
}

#[test]
fn users_are_made_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("users.sqlite");
    assert!(innozone(&db, &["example"]).status.success());
    let o = innozone(
        &db,
        &[
            "user",
            "add",
            "yt.staff",
            "--role",
            "park_staff",
            "--unit",
            "LB-GX-YT",
            "--name",
            "雁滩园区统计员",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("密码"),
        "the generated password is shown once"
    );
    let list = stdout(&innozone(&db, &["user", "list"]));
    assert!(
        list.contains("yt.staff\t雁滩园区统计员\tpark_staff\tLB-GX-YT"),
        "{list}"
    );
    // A park staff account needs a unit; an unknown unit is not found.
    assert_eq!(
        innozone(&db, &["user", "add", "nobody", "--role", "park_staff"])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        innozone(
            &db,
            &[
                "user",
                "add",
                "nobody",
                "--role",
                "park_staff",
                "--unit",
                "NOPE"
            ]
        )
        .status
        .code(),
        Some(5)
    );
    assert_eq!(
        innozone(
            &db,
            &[
                "user",
                "add",
                "yt.staff",
                "--role",
                "leadership",
                "--unit",
                "LB"
            ]
        )
        .status
        .code(),
        Some(5)
    );
}

/// The counts of one line of `filings progress`: expected, filed, on time, late, missing,
/// returned, approved.
fn progress_counts(line: &str) -> Vec<u64> {
    line.split('\t')
        .skip(1)
        .map(|n| n.parse().unwrap())
        .collect()
}

#[test]
fn reporting_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reports.sqlite");
    assert!(innozone(&db, &["example"]).status.success());

    // Completeness adds up: every expected enterprise has filed or is missing, every
    // filing was on time or late, and the zone's line is the sum of its parks'.
    let o = innozone(
        &db,
        &[
            "filings",
            "progress",
            "torch_annual",
            "2025",
            "--unit",
            "LB",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let (total, parks) = lines.split_last().unwrap();
    let total = progress_counts(total);
    assert!(total[0] > 0);
    assert_eq!(total[0], total[1] + total[4], "expected = filed + missing");
    assert_eq!(total[1], total[2] + total[3], "filed = on time + late");
    for (column, expected) in total.iter().enumerate() {
        let sum: u64 = parks.iter().map(|l| progress_counts(l)[column]).sum();
        assert_eq!(sum, *expected, "column {column}");
    }

    // The export upward holds exactly the approved filings.
    let out = dir.path().join("approved.csv");
    let o = innozone(
        &db,
        &[
            "filings",
            "export",
            "torch_annual",
            "2025",
            "--unit",
            "LB",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = std::fs::read_to_string(&out).unwrap().lines().count() - 1;
    assert_eq!(rows as u64, total[6]);

    // A bad upload is refused whole, with the place of each problem.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "统一社会信用代码,营业收入（千元）\n914403001922038217,12\n",
    )
    .unwrap();
    let o = innozone(
        &db,
        &[
            "filings",
            "import",
            "torch_annual",
            "2025",
            bad.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("第 2 行 A 列"), "{}", stderr(&o));

    // A form definition with a misspelt field says where.
    let form = dir.path().join("form.toml");
    std::fs::write(
        &form,
        "code = \"t\"\nversion = 1\nname_zh = \"表\"\nname_en = \"T\"\nperiod = \"annual\"\n\n\
         [[fields]]\ncode = \"employees\"\nzh = \"人员\"\nen = \"Staff\"\nunit = \"persons\"\ntype = \"integer\"\n\n\
         [[rules]]\ncode = \"R1\"\nseverity = \"error\"\ncheck = \"employes >= 0\"\nzh = \"人员\"\nen = \"Staff\"\n",
    )
    .unwrap();
    let o = innozone(&db, &["form", "check", form.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let message = stderr(&o);
    assert!(
        message.contains("第 1 个字符处") && message.contains("employees"),
        "{message}"
    );
}

/// The value printed for `indicator` by `indicators show`.
fn shown_value(text: &str, indicator: &str) -> String {
    text.lines()
        .find(|l| l.split_whitespace().next() == Some(indicator))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or_else(|| panic!("no line for {indicator} in {text}"))
        .to_string()
}

#[test]
fn monitoring_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("monitoring.sqlite");
    assert!(innozone(&db, &["example"]).status.success());

    // The example's 2014 is seed 001's 专栏1 base year: GDP 552.4 亿元, R&D over GDP
    // 2.3 %, energy 2.17 t per 万元 (lines 43-72 of the seed).
    let o = innozone(
        &db,
        &["indicators", "show", "--unit", "LB", "--period", "2014"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert_eq!(shown_value(&text, "gdp_total"), "552.4");
    assert_eq!(shown_value(&text, "rd_intensity"), "2.30");
    assert_eq!(shown_value(&text, "energy_per_gdp"), "2.17");

    // A catalogue with a misspelt field is refused with its place; nothing changes.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "version = 2\n[[indicators]]\ncode = \"x\"\nzh = \"x\"\nen = \"x\"\nunit = \"percent\"\n\
         direction = \"higher\"\nform = \"torch_annual\"\nformula = \"sum(revenu) / sum(revenue)\"\n",
    )
    .unwrap();
    let o = innozone(&db, &["indicators", "install", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let message = stderr(&o);
    assert!(message.contains("第 5 个字符处"), "{message}");
    assert!(
        message.contains("revenue"),
        "the nearest field is suggested: {message}"
    );
    let o = innozone(&db, &["indicators", "list"]);
    assert!(
        stdout(&o).contains("指标目录第 1 版"),
        "the shipped version stays"
    );

    // The statistics workbook goes out pre-filled and comes back clean.
    let sheet = dir.path().join("statistics.xlsx");
    let o = innozone(
        &db,
        &[
            "statistics",
            "template",
            "--unit",
            "LB-GX",
            "--period",
            "2020",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = innozone(
        &db,
        &[
            "statistics",
            "import",
            sheet.to_str().unwrap(),
            "--period",
            "2020",
            "--dry-run",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("检查通过"), "{}", stdout(&o));
}
