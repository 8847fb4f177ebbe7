//! The command line as a script sees it: exit codes, messages on standard error, and that
//! a refused import changes nothing.

use std::path::Path;
use std::process::{Command, Output};

use innozone_domain::registry::CreditCode;

mod support;
use support::example_database;

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
        "evaluate",
        "evaluation",
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
    // The benchmarks live in innozone-bench, not in the shipped binary.
    assert_eq!(innozone(&db, &["bench"]).status.code(), Some(2));
}

#[test]
fn a_bad_file_lists_every_problem_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = example_database(dir.path(), "bad.sqlite");
    // A load into a store that holds the example is refused: the store is not empty.
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

/// The command line reads its imports within the server's limits by default, and a flag
/// (or its environment variable) raises them; a file with more problems than are listed
/// gives the first of them and how many there are.
#[test]
fn imports_are_read_within_limits_that_flags_raise() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.sqlite");
    // 1,500 enterprises, each credit code with a wrong check character: one problem a row.
    let mut csv =
        String::from("credit_code,name,industry_code,size_class,registration_type,park_code\n");
    for n in 0..1_500 {
        let code = CreditCode::complete(&format!("916201007{n:08}"))
            .unwrap()
            .to_string();
        let wrong = if code.ends_with('0') { '1' } else { '0' };
        csv.push_str(&format!(
            "{}{wrong},某科技有限公司,6511,规下,私营企业,LB-GX-YT\n",
            &code[..17]
        ));
    }
    let file = dir.path().join("many.csv");
    std::fs::write(&file, &csv).unwrap();
    let path = file.to_str().unwrap();
    let en = |args: &[&str], env: Option<(&str, &str)>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_innozone"));
        command
            .args(["--database", db.to_str().unwrap(), "--lang", "en"])
            .args(args);
        if let Some((k, v)) = env {
            command.env(k, v);
        }
        command.output().unwrap()
    };

    let o = en(&["import", "enterprises", path, "--dry-run"], None);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("1,500 problem"), "{err}");
    assert!(
        err.trim_end()
            .ends_with("Showing the first 1,000 of 1,500 problems."),
        "{err}"
    );
    assert_eq!(err.matches("Row ").count(), 1_000, "{err}");

    let o = en(&["import", "enterprises", path, "--max-rows", "1000"], None);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "many.csv: the file has more than 1,000 rows, the most read at once; split it into smaller files."
        ),
        "{}",
        stderr(&o)
    );

    // A file over the upload limit is refused before it is read.
    let big = dir.path().join("big.csv");
    let (header, rows) = csv.split_once('\n').unwrap();
    std::fs::write(&big, format!("{header}\n{}", rows.repeat(12))).unwrap();
    let o = en(
        &["import", "enterprises", big.to_str().unwrap()],
        Some(("INNOZONE_MAX_UPLOAD_MB", "1")),
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("over the limit of 1 MB; raise it with --max-upload-mb"),
        "{}",
        stderr(&o)
    );
    // Raised, the same file is read, its problems found.
    let o = en(
        &[
            "import",
            "enterprises",
            big.to_str().unwrap(),
            "--max-upload-mb",
            "2",
        ],
        Some(("INNOZONE_MAX_UPLOAD_MB", "1")),
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Showing the first 1,000 of"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_dry_run_checks_and_a_commit_applies() {
    let dir = tempfile::tempdir().unwrap();
    let db = example_database(dir.path(), "good.sqlite");
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
    let db = example_database(dir.path(), "users.sqlite");
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
    let db = example_database(dir.path(), "reports.sqlite");

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
    let db = example_database(dir.path(), "monitoring.sqlite");

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

// ------------------------------------------------------------------------- evaluate

/// Two dimensions, three indicators, grades by score. The test below works it by hand.
const SMALL_SCHEME: &str = r#"code = "small"
version = 1
name_zh = "小方案"
name_en = "Small scheme"

[[dimensions]]
code = "innov"
zh = "科技创新"
en = "Innovation"
weight = 60

[[dimensions]]
code = "land"
zh = "集约发展"
en = "Land use"
weight = 40

[[indicators]]
code = "rd"
parent = "innov"
zh = "研发投入强度"
en = "R&D intensity"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "patents"
parent = "innov"
zh = "发明专利"
en = "Patents"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "output"
parent = "land"
zh = "亩均产出"
en = "Output per mu"
weight = 1
entered = true
direction = "higher"
method = { method = "goal_attainment", target = 200, cap = 100 }

[[grades]]
code = "excellent"
zh = "优秀"
en = "Excellent"
min = 60

[[grades]]
code = "qualified"
zh = "合格"
en = "Qualified"
min = 45

[[grades]]
code = "unqualified"
zh = "不合格"
en = "Unqualified"
"#;

const SMALL_DATA: &str = "单位,rd,patents,output\n甲园,2,10,200\n乙园,4,30,100\n丙园,6,20,50\n";

/// A written CSV as rows of fields (it starts with a UTF-8 BOM; no field holds a comma).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn field<'a>(rows: &'a [Vec<String>], unit: &str, column: &str) -> &'a str {
    let c = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {:?}", rows[0]));
    let row = rows
        .iter()
        .find(|r| r[0] == unit)
        .unwrap_or_else(|| panic!("no row for {unit}"));
    &row[c]
}

fn evaluate(dir: &Path, scheme: &str, data: &str, data_name: &str) -> Output {
    let scheme_path = dir.join("scheme.toml");
    let data_path = dir.join(data_name);
    std::fs::write(&scheme_path, scheme).unwrap();
    std::fs::write(&data_path, data).unwrap();
    innozone(
        &dir.join("unused.sqlite"),
        &[
            "evaluate",
            "--scheme",
            scheme_path.to_str().unwrap(),
            "--data",
            data_path.to_str().unwrap(),
            "--out",
            dir.join("out").to_str().unwrap(),
            "--period",
            "2020",
        ],
    )
}

#[test]
fn evaluate_scores_a_small_scheme_as_worked_by_hand() {
    // rd, min-max over 2, 4, 6:           甲 0,   乙 50,  丙 100
    // patents, min-max over 10, 30, 20:   甲 0,   乙 100, 丙 50
    // output, 200 / 100 / 50 over the target 200, capped at 100:
    //                                     甲 100, 乙 50,  丙 25
    // 科技创新 = (rd + patents) / 2:       甲 0,   乙 75,  丙 75
    // 集约发展 = output:                   甲 100, 乙 50,  丙 25
    // total = 0.6 × 科技创新 + 0.4 × 集约发展:
    //   甲 0 + 40 = 40, 乙 45 + 20 = 65, 丙 45 + 10 = 55
    // ranks: 乙 1, 丙 2, 甲 3; grades (≥ 60 优秀, ≥ 45 合格): 乙 优秀, 丙 合格, 甲 不合格.
    // 甲 on rd against the best: effective weight 0.6 × 0.5 = 0.3, 0.3 × (0 − 100) = −30;
    // against the median 50: 0.3 × (0 − 50) = −15.
    let dir = tempfile::tempdir().unwrap();
    let o = evaluate(dir.path(), SMALL_SCHEME, SMALL_DATA, "data.csv");
    assert!(o.status.success(), "evaluate: {}", stderr(&o));
    assert!(stdout(&o).contains("3 个单位"), "{}", stdout(&o));
    let out = dir.path().join("out");
    let rows = csv_rows(&out.join("scores.csv"));
    assert_eq!(rows.len(), 4);
    for (unit, innov, land, total, rank, grade) in [
        ("甲园", "0", "100", "40", "3", "不合格"),
        ("乙园", "75", "50", "65", "1", "优秀"),
        ("丙园", "75", "25", "55", "2", "合格"),
    ] {
        assert_eq!(field(&rows, unit, "科技创新（innov）"), innov, "{unit}");
        assert_eq!(field(&rows, unit, "集约发展（land）"), land, "{unit}");
        assert_eq!(field(&rows, unit, "总分"), total, "{unit}");
        assert_eq!(field(&rows, unit, "排名"), rank, "{unit}");
        assert_eq!(field(&rows, unit, "等级"), grade, "{unit}");
        assert_eq!(field(&rows, unit, "评价期"), "2020", "{unit}");
    }
    let explained = csv_rows(&out.join("explanations.csv"));
    let rd = explained
        .iter()
        .find(|r| r[0] == "甲园" && r[1] == "rd")
        .expect("甲园's rd is explained");
    assert_eq!(&rd[3..], ["0.3", "0", "-30", "-15"]);
    assert!(out.join("scores.xlsx").metadata().unwrap().len() > 0);
}

#[test]
fn evaluate_refuses_a_negative_weight_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    // The `weight = 40` of `land` is on line 16.
    let scheme = SMALL_SCHEME.replace("weight = 40", "weight = -40");
    assert_eq!(
        scheme.lines().nth(15),
        Some("weight = -40"),
        "the line counted in the assertion below"
    );
    let o = evaluate(dir.path(), &scheme, SMALL_DATA, "data.csv");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("第 16 行"), "{}", stderr(&o));
    assert!(stderr(&o).contains("-40"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn evaluate_names_a_missing_indicator_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = "单位,rd,output\n甲园,2,200\n乙园,4,100\n丙园,6,50\n";
    let o = evaluate(dir.path(), SMALL_SCHEME, data, "data.csv");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("patents"), "{}", stderr(&o));
    assert!(stderr(&o).contains("第 1 行"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn evaluate_runs_the_shipped_park_scheme() {
    let scheme = include_str!("../../example/evaluation/park_scheme.toml");
    let dir = tempfile::tempdir().unwrap();
    let data = "\
单位,enterprise_rd_intensity,rd_active_share,high_tech_enterprises,high_tech_share,signed_investment,project_completion,gross_output_total,high_tech_output_share,revenue_growth,output_per_mu,idle_land_disposal,energy_per_industrial_va,green_park_review,planning_review
兰州高新区,4.2,62,180,38,120,95,1500,55,12,480,90,0.42,92,88
白银高新区,2.6,41,45,22,60,80,420,31,7,210,70,0.85,75,80
榆中园区,3.1,50,60,27,85,100,380,40,15,260,,0.61,85,90
连海园区,1.8,35,30,18,40,70,300,25,-3,180,60,1.10,68,72
";
    let o = evaluate(dir.path(), scheme, data, "parks.csv");
    assert!(o.status.success(), "evaluate: {}", stderr(&o));
    let out = dir.path().join("out");
    let rows = csv_rows(&out.join("scores.csv"));
    assert_eq!(rows.len(), 5, "a header and one row per park");
    // Unit, period, availability, scored, 8 + 14 nodes, then aggregate, bonus, penalty,
    // total, rank, grade.
    assert_eq!(rows[0].len(), 4 + 22 + 6, "{:?}", rows[0]);
    let mut ranks: Vec<String> = rows[1..]
        .iter()
        .map(|r| field(&rows, &r[0], "排名").to_string())
        .collect();
    ranks.sort();
    assert_eq!(ranks, ["1", "2", "3", "4"]);
    for r in &rows[1..] {
        let total: f64 = field(&rows, &r[0], "总分").parse().unwrap();
        assert!((0.0..=100.0).contains(&total), "{} scores {total}", r[0]);
        assert!(!field(&rows, &r[0], "等级").is_empty());
    }
    let explained = csv_rows(&out.join("explanations.csv"));
    assert_eq!(
        explained.len(),
        1 + 4 * 14,
        "one row per park and indicator"
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    // `innozone … | head -1`: the reader closes the pipe. Here it is closed before the
    // command prints anything (the command first opens the store and hashes the new
    // password), so its first line meets a closed pipe however fast the machine is.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pipe.sqlite");
    let mut child = Command::new(env!("CARGO_BIN_EXE_innozone"))
        .arg("--database")
        .arg(&db)
        .args(["user", "add", "early.closer", "--role", "administrator"])
        .env_remove("INNOZONE_LANG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(
        !stderr(&o).contains("panicked") && !stderr(&o).contains("Broken pipe"),
        "{}",
        stderr(&o)
    );
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(&o));
    // The command did its work before it printed.
    let list = stdout(&innozone(&db, &["user", "list"]));
    assert!(list.contains("early.closer"), "{list}");
}

/// Two indicators over five parks and a sixth with too little data: R&D spending divided
/// by revenue, and patents; both imputed by the mean of the park's group.
const BROUGHT_SCHEME: &str = r#"code = "brought"
version = 1
name_zh = "自带数据方案"
name_en = "Brought data"
availability = 0.5

[[dimensions]]
code = "innov"
zh = "科技创新"
en = "Innovation"
weight = 1

[[indicators]]
code = "rd"
parent = "innov"
zh = "研发投入强度"
en = "R&D intensity"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }
denominator = "revenue"
imputation = "group_mean"

[[indicators]]
code = "patents"
parent = "innov"
zh = "发明专利"
en = "Patents"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }
imputation = "group_mean"

[[grades]]
code = "pass"
zh = "合格"
en = "Pass"
min = 50

[[grades]]
code = "fail"
zh = "不合格"
en = "Fail"
"#;

const BROUGHT_DATA: &str = "\
单位,分组,rd,revenue,patents
甲园,东,10,100,4
乙园,东,30,200,
丙园,东,20,50,8
丁园,西,6,60,20
戊园,西,,80,
己园,西,9,0,10
";

#[test]
fn evaluate_denominates_and_imputes_by_group_from_the_file_alone() {
    // Denominate rd by revenue: 甲 0.1, 乙 0.15, 丙 0.4, 丁 0.1, 戊 missing (no rd),
    // 己 missing (revenue 0).
    // Screen (availability ≥ 0.5 of the 2 indicators, on the values as brought):
    // 戊 has neither (0) and is left out; 己 has patents (0.5) and stays.
    // Impute by group mean over the parks that stay: 乙's patents = 东's (4 + 8) / 2 = 6;
    // 己's rd = 西's 0.1 (丁 alone).
    // Min-max: rd over 0.1 … 0.4: 甲 0, 乙 0.05 / 0.3 = 16.666…, 丙 100, 丁 0, 己 0;
    // patents over 4 … 20: 甲 0, 乙 2/16 = 12.5, 丙 25, 丁 100, 己 37.5.
    // Arithmetic mean: 甲 0, 乙 (50/3 + 12.5) / 2 = 175/12 = 14.58333…, 丙 62.5, 丁 50,
    // 己 18.75. Ranks 丙 1, 丁 2, 己 3, 乙 4, 甲 5; pass from 50: 丙 and 丁.
    let dir = tempfile::tempdir().unwrap();
    let o = evaluate(dir.path(), BROUGHT_SCHEME, BROUGHT_DATA, "parks.csv");
    assert!(o.status.success(), "evaluate: {}", stderr(&o));
    let rows = csv_rows(&dir.path().join("out").join("scores.csv"));
    for (unit, total, rank, grade) in [
        ("甲园", 0.0, "5", "不合格"),
        ("乙园", 175.0 / 12.0, "4", "不合格"),
        ("丙园", 62.5, "1", "合格"),
        ("丁园", 50.0, "2", "合格"),
        ("己园", 18.75, "3", "不合格"),
    ] {
        let written: f64 = field(&rows, unit, "总分").parse().unwrap();
        assert!((written - total).abs() < 1e-12, "{unit}: {written}");
        assert_eq!(field(&rows, unit, "排名"), rank, "{unit}");
        assert_eq!(field(&rows, unit, "等级"), grade, "{unit}");
        assert_eq!(field(&rows, unit, "参加评分"), "是", "{unit}");
    }
    // Every digit is written, not four decimals.
    assert!(
        field(&rows, "乙园", "总分").starts_with("14.583333333"),
        "{}",
        field(&rows, "乙园", "总分")
    );
    assert_eq!(field(&rows, "戊园", "参加评分"), "否");
    assert_eq!(field(&rows, "戊园", "总分"), "");
    assert_eq!(field(&rows, "戊园", "数据完整率"), "0");
    assert_eq!(field(&rows, "己园", "数据完整率"), "0.5");
}

#[test]
fn evaluate_asks_for_the_groups_and_denominators_the_scheme_uses() {
    let dir = tempfile::tempdir().unwrap();
    let data = "单位,rd,patents\n甲园,10,4\n乙园,30,\n";
    let o = evaluate(dir.path(), BROUGHT_SCHEME, data, "parks.csv");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains("分母“revenue”"), "{said}");
    assert!(said.contains("按组插补指标“rd”"), "{said}");
    assert!(said.contains("按组插补指标“patents”"), "{said}");
    // A group column with a blank cell names the unit and its cell.
    let data = "单位,分组,rd,revenue,patents\n甲园,东,10,100,4\n乙园,,30,200,\n";
    let o = evaluate(dir.path(), BROUGHT_SCHEME, data, "parks.csv");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("单位“乙园”的分组为空"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("第 3 行"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "nothing is written");
}
