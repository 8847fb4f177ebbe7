//! Setting up evaluation over HTTP: the shipped park scheme read as a tree with effective
//! weights worked out by hand, a bad scheme refused at its line with nothing saved, a new
//! version kept beside the old; values entered for a scheme, read back, refused whole at
//! their park and item, outside the user's parks refused; the pre-filled workbook out and
//! back; a brought data file evaluated with ranks worked out by hand; and the evaluation
//! API with who may see what.
//!
//! The seed (support.rs): zone TZ with parks TZ-A and TZ-B; zone staff of TZ, park staff
//! and an evaluator of TZ-A, leadership of TZ, a filer, the public.

use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::reporting::Period;
use innozone_domain::table::Cell;
use innozone_exchange::{FileFormat, SheetData, Value as XlsxValue, read_table, write_xlsx};
use reqwest::multipart::{Form as Multipart, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PARK_A, PARK_B, TestApp, ZONE, page, post_form};

const PARK_SCHEME: &str = innozone_example::evaluation::PARK_SCHEME;

/// A scheme of entered items only, so that it runs without monitoring figures.
///
/// By hand, for TZ-A (review 80, investment 30, 2 platforms) and TZ-B (review 60,
/// investment 10, the accident): review by goal attainment is 80 and 60; investment by
/// min-max over the two parks is 100 and 0; the dimension is their mean, 90 and 30; TZ-A
/// gains 2 × 2 = 4 bonus points: 94, ranked 1st, 优秀; TZ-B 30, 2nd, vetoed to 不合格.
const TEST_SCHEME: &str = r#"code = "test_parks"
version = 1
name_zh = "测试园区考核"
name_en = "Test park evaluation"

[[dimensions]]
code = "performance"
zh = "发展成效"
en = "Performance"
weight = 1

[[indicators]]
code = "review"
parent = "performance"
zh = "评审得分"
en = "Review marks"
weight = 1
entered = true
direction = "higher"
method = { method = "goal_attainment", target = 100, cap = 100 }

[[indicators]]
code = "investment"
parent = "performance"
zh = "签约引资额"
en = "Signed investment"
weight = 1
entered = true
direction = "higher"
method = { method = "min_max" }

[[adjustments]]
code = "platform"
kind = "bonus"
zh = "新获批国家级平台"
en = "New national platform"
points = 2

[[vetoes]]
code = "accident"
zh = "重大安全事故"
en = "Major accident"

[[grades]]
code = "excellent"
zh = "优秀"
en = "Excellent"
min = 90

[[grades]]
code = "qualified"
zh = "合格"
en = "Qualified"
min = 60

[[grades]]
code = "unqualified"
zh = "不合格"
en = "Unqualified"
"#;

/// Two indicators under one dimension, weights 3 and 1, b lower-is-better.
const HAND_SCHEME: &str = r#"code = "hand"
version = 1
name_zh = "手算方案"
name_en = "Worked by hand"

[[dimensions]]
code = "all"
zh = "全部"
en = "All"
weight = 1

[[indicators]]
code = "a"
parent = "all"
zh = "甲指标"
en = "A"
weight = 3
entered = true
direction = "higher"
method = { method = "min_max" }

[[indicators]]
code = "b"
parent = "all"
zh = "乙指标"
en = "B"
weight = 1
entered = true
direction = "lower"
method = { method = "min_max" }

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

/// By hand: a by min-max 0–100 is P1 100, P2 0, P3 50; b, lower is better, is P1 0,
/// P2 100, P3 50; the total (3a + b) / 4 is P1 75, P2 25, P3 50: ranks 1, 3, 2.
const HAND_DATA: &str = "单位,a,b\nP1,10,5\nP2,0,1\nP3,5,3\n";

/// The shipped forms and the example's indicator catalogue, which the park scheme reads.
async fn with_catalogue(app: &TestApp) {
    let operator = innozone_app::accounts::operator_principal();
    for form in innozone_example::filings::forms() {
        innozone_app::reporting::install_form(app.store.as_ref(), &operator, &form.source)
            .await
            .expect("the form installs");
    }
    innozone_app::monitoring::install_catalogue(
        app.store.as_ref(),
        &operator,
        innozone_example::monitoring::INDICATORS,
    )
    .await
    .expect("the example catalogue installs");
}

async fn install(app: &TestApp, source: &str) {
    let operator = innozone_app::accounts::operator_principal();
    innozone_app::evaluation::install_scheme(app.store.as_ref(), &operator, source)
        .await
        .expect("the scheme installs");
}

async fn post_multipart(
    app: &TestApp,
    path: &str,
    token: &str,
    form: Multipart,
) -> (StatusCode, Vec<u8>, Option<String>) {
    let r = app
        .request(Method::POST, path, Some(token))
        .header("HX-Request", "true")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let disposition = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (r.status(), r.bytes().await.unwrap().to_vec(), disposition)
}

fn file_form(name: &str, bytes: Vec<u8>, mode: &str) -> Multipart {
    Multipart::new()
        .part("file", Part::bytes(bytes).file_name(name.to_string()))
        .text("mode", mode.to_string())
}

fn evaluate_form(scheme: &str, data_name: &str, data: Vec<u8>, output: &str) -> Multipart {
    Multipart::new()
        .part(
            "scheme",
            Part::bytes(scheme.as_bytes().to_vec()).file_name("scheme.toml"),
        )
        .part("data", Part::bytes(data).file_name(data_name.to_string()))
        .text("output", output.to_string())
}

/// The HTML of the table row with `id`.
fn row<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row {id} in {html}"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// The 1-based line of `source` that holds `needle`.
fn line_of(source: &str, needle: &str) -> usize {
    source
        .lines()
        .position(|l| l.contains(needle))
        .expect("the needle is in the source")
        + 1
}

/// The current entered value of a park's item for 2018, as stored.
async fn stored(app: &TestApp, unit: &str, item: &str) -> Option<f64> {
    let hierarchy = app.store.hierarchy().await.unwrap();
    let id = hierarchy.unit_by_code(unit).unwrap().id;
    app.store
        .evaluation_inputs("test_parks", &[Period::Year(2018)])
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.unit == id && r.item == item)
        .and_then(|r| r.value)
}

async fn entries_of(app: &TestApp) -> usize {
    app.store
        .evaluation_inputs("test_parks", &[])
        .await
        .unwrap()
        .len()
}

/// The values of the worked example, through the page, as zone staff.
async fn enter_worked_values(app: &TestApp, zone: &str) {
    let (status, html, _) = post_form(
        app,
        "/evaluation/inputs",
        zone,
        &[
            ("scheme", "test_parks"),
            ("year", "2018"),
            ("unit", ZONE),
            ("note", "评审组打分"),
            ("v.TZ-A.review", "80"),
            ("v.TZ-A.investment", "30"),
            ("v.TZ-A.platform", "2"),
            ("v.TZ-A.accident", "0"),
            ("v.TZ-B.review", "60"),
            ("v.TZ-B.investment", "10"),
            ("v.TZ-B.platform", ""),
            ("v.TZ-B.accident", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已保存 7 项"), "{html}");
}

#[tokio::test]
async fn the_scheme_tree_shows_effective_weights_worked_by_hand() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    let zone = app.login("zone").await;

    let (status, html) = page(&app, "/evaluation/schemes", &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"no-schemes\""), "{html}");

    // Installed through the page: the browser is sent to the scheme's page.
    let (status, body, redirect) = post_form(
        &app,
        "/evaluation/schemes",
        &zone,
        &[("source", PARK_SCHEME)],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let target = redirect.expect("sent to the scheme");
    assert!(
        target.starts_with("/evaluation/schemes/lanbai_parks?installed="),
        "{target}"
    );

    let leader = app.login("leader").await;
    let (status, html) = page(&app, "/evaluation/schemes", &leader).await;
    assert_eq!(status, StatusCode::OK);
    assert!(row(&html, "scheme-lanbai_parks").contains("兰白自创区园区考核评价方案"));
    assert!(
        !html.contains("name=\"source\""),
        "leadership reads, it does not edit"
    );

    let (status, html) = page(&app, &target, &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"installed\""), "{html}");
    // Effective weights by hand, the top-level weights adding up to 100:
    // 科技创新 25 %; 创新投入 25 % × 50/100 = 12.5 %; 企业研发投入占比 × 60/100 = 7.5 %,
    // 有研发活动企业占比 × 40/100 = 5 %; 签约引资额 20 % × 50/100 = 10 %;
    // 规划评审 10 % × 100/100 = 10 %; 单位工业增加值能耗 15 % × 50/100 = 7.5 %.
    for (node, effective) in [
        ("innovation", "25.00 %"),
        ("innovation_input", "12.50 %"),
        ("enterprise_rd_intensity", "7.50 %"),
        ("rd_active_share", "5.00 %"),
        ("signed_investment", "10.00 %"),
        ("planning_review", "10.00 %"),
        ("energy_per_industrial_va", "7.50 %"),
    ] {
        let r = row(&html, &format!("node-{node}"));
        assert!(
            r.contains(&format!("effective\">{effective}")),
            "{node} {effective}: {r}"
        );
    }
    let rd = row(&html, "node-enterprise_rd_intensity");
    assert!(rd.contains("60.00 %"), "its share among its siblings: {rd}");
    assert!(
        rd.contains("监测指标：企业研发投入占营业收入比重（enterprise_rd_intensity）"),
        "the monitoring indicator by its catalogue name: {rd}"
    );
    assert!(
        rd.contains("≥ 2：20 分") && rd.contains("≥ 6：100 分"),
        "{rd}"
    );
    assert!(rd.contains("越高越好"), "{rd}");
    let revenue = row(&html, "node-revenue_growth");
    assert!(
        revenue.contains("中位数"),
        "imputed by the median: {revenue}"
    );
    let energy = row(&html, "node-energy_per_industrial_va");
    assert!(energy.contains("评价录入"), "entered: {energy}");
    // Bonus, penalty, veto items, grades and consequences.
    assert!(row(&html, "adjustment-national_platform").contains("每次 2 分"));
    assert!(row(&html, "adjustment-green_park_recognised").contains("只计一次"));
    assert!(html.contains("id=\"veto-major_safety_accident\""));
    assert!(row(&html, "grade-excellent").contains("得分 ≥ 90"));
    assert!(row(&html, "consequence-revocation").contains("连续 2 年评为“不合格”"));
    assert!(
        html.contains("name=\"source\""),
        "zone staff get the editor"
    );

    // In English.
    let r = app
        .request(Method::GET, &target, Some(&zone))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    let rd = row(&html, "node-enterprise_rd_intensity");
    assert!(rd.contains("Banded: ≥ 2: 20"), "{rd}");
    assert!(rd.contains("7.50 %"), "{rd}");

    // Filers and the public do not read schemes.
    for who in ["filer", "public"] {
        let token = app.login(who).await;
        let (status, _) = page(&app, "/evaluation/schemes/lanbai_parks", &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let (status, _) = page(&app, "/evaluation/schemes/no_such_scheme", &zone).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_scheme_is_refused_at_its_line_and_a_new_version_keeps_the_old() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    install(&app, PARK_SCHEME).await;
    let zone = app.login("zone").await;
    let versions = || async {
        app.store
            .scheme_versions("lanbai_parks")
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    let first = versions().await;
    assert_eq!(first.len(), 1);

    // A negative weight: refused, checked or installed, with its line and column, the
    // place marked, and nothing saved.
    let bad = PARK_SCHEME.replacen("weight = 60", "weight = -60", 1);
    let line = line_of(&bad, "weight = -60");
    for path in ["/evaluation/schemes/check", "/evaluation/schemes"] {
        let (status, html, redirect) = post_form(&app, path, &zone, &[("source", &bad)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {html}");
        assert!(redirect.is_none());
        assert!(html.contains(&format!("第 {line} 行")), "{path}: {html}");
        assert!(html.contains("id=\"error-place\""), "{html}");
        assert!(html.contains("<mark>"), "{html}");
        assert!(html.contains("未保存任何内容"), "{html}");
    }
    // A monitoring indicator the catalogue does not have.
    let unknown = PARK_SCHEME.replacen(
        "indicator = \"rd_active_share\"",
        "indicator = \"rd_active_shares\"",
        1,
    );
    let line = line_of(&unknown, "rd_active_shares");
    let (status, html, _) = post_form(
        &app,
        "/evaluation/schemes/check",
        &zone,
        &[("source", &unknown)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!("第 {line} 行")), "{html}");
    assert!(html.contains("rd_active_shares"), "{html}");
    // Uploaded as a file, the same.
    let (status, body, _) = post_multipart(
        &app,
        "/evaluation/schemes/upload",
        &zone,
        file_form("方案.toml", bad.clone().into_bytes(), "install"),
    )
    .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("方案.toml"), "{html}");
    assert_eq!(versions().await, first, "nothing saved");

    // A good check answers what the scheme holds and saves nothing either.
    let (status, html, _) = post_form(
        &app,
        "/evaluation/schemes/check",
        &zone,
        &[("source", PARK_SCHEME)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"check-ok\""), "{html}");
    assert_eq!(versions().await, first);

    // Leadership may not install.
    let leader = app.login("leader").await;
    let (status, _, _) = post_form(
        &app,
        "/evaluation/schemes",
        &leader,
        &[("source", PARK_SCHEME)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A second version: in force, the first kept as written.
    let second = PARK_SCHEME
        .replacen("version = 1", "version = 2", 1)
        .replacen("weight = 60", "weight = 70", 1);
    let (status, body, redirect) =
        post_form(&app, "/evaluation/schemes", &zone, &[("source", &second)]).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert!(redirect.is_some());
    let now = versions().await;
    assert_eq!(now.len(), 2);
    assert!(now.contains(&first[0]));
    let (_, html) = page(&app, "/evaluation/schemes/lanbai_parks", &zone).await;
    assert!(html.contains("第 2 版"), "{html}");
    assert!(
        html.contains(&format!("id=\"version-{}\"", first[0])),
        "{html}"
    );
    // 25 % × 50 % × 70/110 = 7.95 %.
    assert!(
        row(&html, "node-enterprise_rd_intensity").contains("7.95 %"),
        "the new weights in force"
    );
    let r = app
        .request(
            Method::GET,
            &format!(
                "/evaluation/schemes/lanbai_parks/versions/{}.toml",
                first[0]
            ),
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.text().await.unwrap(),
        PARK_SCHEME,
        "the old version as written"
    );
}

#[tokio::test]
async fn inputs_are_saved_read_back_and_refused_whole_at_their_place() {
    let app = TestApp::spawn().await;
    install(&app, TEST_SCHEME).await;
    let zone = app.login("zone").await;

    let (status, html) = page(
        &app,
        "/evaluation/inputs?scheme=test_parks&year=2018",
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"input-row-TZ-A\""), "{html}");
    assert!(html.contains("id=\"input-row-TZ-B\""), "{html}");
    for item in ["评审得分", "签约引资额", "新获批国家级平台", "重大安全事故"]
    {
        assert!(html.contains(item), "{item}");
    }

    enter_worked_values(&app, &zone).await;
    assert_eq!(stored(&app, PARK_A, "review").await, Some(80.0));
    assert_eq!(stored(&app, PARK_B, "accident").await, Some(1.0));
    assert_eq!(stored(&app, PARK_B, "platform").await, None);
    let (_, html) = page(
        &app,
        "/evaluation/inputs?scheme=test_parks&year=2018",
        &zone,
    )
    .await;
    assert!(
        row(&html, "input-row-TZ-A").contains("name=\"v.TZ-A.review\" value=\"80\""),
        "read back"
    );

    // A veto of 2 and 1.5 occurrences: refused with their park and item, the valid
    // change beside them not saved either.
    let before = entries_of(&app).await;
    let (status, html, _) = post_form(
        &app,
        "/evaluation/inputs",
        &zone,
        &[
            ("scheme", "test_parks"),
            ("year", "2018"),
            ("unit", ZONE),
            ("v.TZ-A.review", "90"),
            ("v.TZ-A.accident", "2"),
            ("v.TZ-B.platform", "1.5"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("整表未保存"), "{html}");
    assert!(html.contains("TZ-A") && html.contains("accident"), "{html}");
    assert!(html.contains("TZ-B") && html.contains("platform"), "{html}");
    assert!(html.contains("1.5"), "{html}");
    let a = row(&html, "input-row-TZ-A");
    assert!(
        a.contains("name=\"v.TZ-A.accident\" value=\"2\""),
        "kept as typed: {a}"
    );
    assert_eq!(a.matches("aria-invalid").count(), 1, "{a}");
    assert_eq!(stored(&app, PARK_A, "review").await, Some(80.0));
    assert_eq!(entries_of(&app).await, before, "nothing saved");

    // Not a number.
    let (status, html, _) = post_form(
        &app,
        "/evaluation/inputs",
        &zone,
        &[
            ("scheme", "test_parks"),
            ("year", "2018"),
            ("unit", ZONE),
            ("v.TZ-A.review", "八十"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("“八十”不是数字"), "{html}");

    // A change is kept beside what it replaces.
    let (status, html, _) = post_form(
        &app,
        "/evaluation/inputs",
        &zone,
        &[
            ("scheme", "test_parks"),
            ("year", "2018"),
            ("unit", ZONE),
            ("v.TZ-A.review", "85"),
            ("v.TZ-A.investment", "30"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已保存 1 项"), "only the change: {html}");
    let (status, html) = page(
        &app,
        "/evaluation/inputs/history?scheme=test_parks&year=2018&unit=TZ-A&item=review",
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let entries = html.matches("<tr").count() - 1;
    assert_eq!(entries, 2, "{html}");
    assert!(html.contains("85") && html.contains("80") && html.contains("评审组打分"));

    // The evaluator of park A sees and enters park A only.
    let evaluator = app.login("evaluator").await;
    let (status, html) = page(
        &app,
        "/evaluation/inputs?scheme=test_parks&year=2018",
        &evaluator,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"input-row-TZ-A\""));
    assert!(!html.contains("id=\"input-row-TZ-B\""), "{html}");
    let before = entries_of(&app).await;
    let (status, html, _) = post_form(
        &app,
        "/evaluation/inputs",
        &evaluator,
        &[
            ("scheme", "test_parks"),
            ("year", "2018"),
            ("unit", PARK_A),
            ("v.TZ-A.review", "99"),
            ("v.TZ-B.review", "10"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("TZ-B"), "{html}");
    assert_eq!(entries_of(&app).await, before, "nothing saved");
    assert_eq!(stored(&app, PARK_B, "review").await, Some(60.0));
    let (status, _) = page(
        &app,
        "/evaluation/inputs/history?scheme=test_parks&year=2018&unit=TZ-B&item=review",
        &evaluator,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Park staff and leadership do not enter evaluation values.
    for who in ["park", "leader"] {
        let token = app.login(who).await;
        let (status, _) = page(
            &app,
            "/evaluation/inputs?scheme=test_parks&year=2018",
            &token,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
}

#[tokio::test]
async fn the_workbook_template_round_trips_and_a_bad_one_is_refused_at_its_cells() {
    let app = TestApp::spawn().await;
    install(&app, TEST_SCHEME).await;
    let zone = app.login("zone").await;
    enter_worked_values(&app, &zone).await;

    let r = app
        .request(
            Method::GET,
            "/evaluation/inputs.xlsx?scheme=test_parks&year=2018&unit=TZ",
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let workbook = r.bytes().await.unwrap().to_vec();
    let table = read_table("t.xlsx", &workbook, FileFormat::Xlsx, None).unwrap();
    assert_eq!(table.sheet.as_deref(), Some("考核录入 2018"));
    assert_eq!(
        table.headers,
        [
            "单位代码",
            "单位名称",
            "评审得分（review）",
            "签约引资额（investment）",
            "新获批国家级平台（platform）",
            "重大安全事故（accident）"
        ]
    );
    let a = &table.rows[0];
    assert_eq!(a.cells[0], Cell::Text(PARK_A.into()));
    assert_eq!(a.cells[2], Cell::Number(80.0));
    assert_eq!(a.cells[4], Cell::Number(2.0));

    // Changed on the page since; the workbook brought back sets it again.
    let (status, _, _) = post_form(
        &app,
        "/evaluation/inputs",
        &zone,
        &[
            ("scheme", "test_parks"),
            ("year", "2018"),
            ("unit", ZONE),
            ("v.TZ-A.review", "95"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let upload = "/evaluation/inputs/upload?scheme=test_parks&year=2018&unit=TZ";
    let (status, body, _) = post_multipart(
        &app,
        upload,
        &zone,
        file_form("录入.xlsx", workbook.clone(), "check"),
    )
    .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"upload-checked\""), "{html}");
    assert!(html.contains("其中 1 个与现有值不同"), "{html}");
    assert_eq!(
        stored(&app, PARK_A, "review").await,
        Some(95.0),
        "only checked"
    );
    let (status, body, _) = post_multipart(
        &app,
        upload,
        &zone,
        file_form("录入.xlsx", workbook, "commit"),
    )
    .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"upload-done\""), "{html}");
    assert_eq!(stored(&app, PARK_A, "review").await, Some(80.0));
    assert_eq!(stored(&app, PARK_B, "accident").await, Some(1.0));

    // A workbook with a veto of 2, 1.5 occurrences, a word for a number and an unknown
    // park: every problem at its sheet, row and column, and nothing saved, not even the
    // good value beside them.
    let sheet = SheetData {
        name: "考核录入 2018".into(),
        headers: ["单位代码", "单位名称", "review", "platform", "accident"]
            .map(String::from)
            .to_vec(),
        rows: vec![
            vec![
                XlsxValue::Text(PARK_A.into()),
                XlsxValue::Text("甲园区".into()),
                XlsxValue::Number(70.0),
                XlsxValue::Number(1.5),
                XlsxValue::Number(2.0),
            ],
            vec![
                XlsxValue::Text(PARK_B.into()),
                XlsxValue::Empty,
                XlsxValue::Text("良好".into()),
                XlsxValue::Empty,
                XlsxValue::Empty,
            ],
            vec![XlsxValue::Text("TZ-X".into())],
        ],
    };
    let bad = write_xlsx(&[sheet]).unwrap();
    let before = entries_of(&app).await;
    let (status, body, _) =
        post_multipart(&app, upload, &zone, file_form("坏.xlsx", bad, "commit")).await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("文件有 4 个问题"), "{html}");
    for (r, c) in [("2", "D"), ("2", "E"), ("3", "C"), ("4", "A")] {
        assert!(
            html.contains(&format!(
                "<td>考核录入 2018</td><td class=\"num\">{r}</td><td>{c}</td>"
            )),
            "{r}{c}: {html}"
        );
    }
    assert_eq!(entries_of(&app).await, before, "nothing saved");
    assert_eq!(stored(&app, PARK_A, "review").await, Some(80.0));
}

#[tokio::test]
async fn a_brought_data_file_is_evaluated_with_ranks_worked_out_by_hand() {
    let app = TestApp::spawn().await;
    let evaluator = app.login("evaluator").await;

    let (status, html) = page(&app, "/evaluation/evaluate", &evaluator).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"evaluate-form\""));

    let data = HAND_DATA.as_bytes().to_vec();
    let (status, body, _) = post_multipart(
        &app,
        "/evaluation/evaluate",
        &evaluator,
        evaluate_form(HAND_SCHEME, "数据.csv", data.clone(), "page"),
    )
    .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    for (unit, rank, total, grade) in [
        ("P1", "1", "75.00", "合格"),
        ("P3", "2", "50.00", "合格"),
        ("P2", "3", "25.00", "不合格"),
    ] {
        let r = row(&html, &format!("result-{unit}"));
        assert!(r.contains(&format!("data-rank=\"{rank}\"")), "{unit}: {r}");
        assert!(r.contains(&format!("total\">{total}")), "{unit}: {r}");
        assert!(r.contains(grade), "{unit}: {r}");
    }
    let p1 = html.find("id=\"result-P1\"").unwrap();
    let p3 = html.find("id=\"result-P3\"").unwrap();
    let p2 = html.find("id=\"result-P2\"").unwrap();
    assert!(p1 < p3 && p3 < p2, "best rank first");
    // Every node's score: a for P1, P2, P3 in rank order is 100, 50, 0.
    let a = row(&html, "score-a");
    assert!(
        a.contains("100.00</td><td class=\"num\">50.00</td><td class=\"num\">0.00"),
        "{a}"
    );
    assert!(html.contains("href=\"data:text/csv"), "the CSV to download");
    assert!(html.contains("download=\"评价结果-hand.xlsx\""), "{html}");

    // The xlsx: the same sheets as `innozone evaluate` writes.
    let (status, xlsx, disposition) = post_multipart(
        &app,
        "/evaluation/evaluate",
        &evaluator,
        evaluate_form(HAND_SCHEME, "数据.csv", data.clone(), "xlsx"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.unwrap().contains(".xlsx"));
    let scores = read_table("r.xlsx", &xlsx, FileFormat::Xlsx, None).unwrap();
    let col = |name: &str| scores.headers.iter().position(|h| h == name).unwrap();
    let (unit, total, rank) = (col("单位"), col("总分"), col("排名"));
    let got: Vec<(String, Cell, Cell)> = scores
        .rows
        .iter()
        .map(|r| {
            (
                r.cells[unit].as_text(),
                r.cells[total].clone(),
                r.cells[rank].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("P1".to_string(), Cell::Number(75.0), Cell::Number(1.0)),
            ("P2".to_string(), Cell::Number(25.0), Cell::Number(3.0)),
            ("P3".to_string(), Cell::Number(50.0), Cell::Number(2.0)),
        ]
    );
    assert_eq!(scores.sheet.as_deref(), Some("评价得分"));
    let explanations = read_table("r.xlsx", &xlsx, FileFormat::Xlsx, Some("得失分说明")).unwrap();
    assert_eq!(
        explanations.rows.len(),
        6,
        "three units × two indicators explained"
    );
    let (status, csv, _) = post_multipart(
        &app,
        "/evaluation/evaluate",
        &evaluator,
        evaluate_form(HAND_SCHEME, "数据.csv", data.clone(), "csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("单位,"), "{csv}");
    assert_eq!(lines.len(), 4, "a header and three units: {csv}");
    assert!(
        lines[1].starts_with("P1,") && lines[1].contains(",75,"),
        "{csv}"
    );

    // A bad scheme: its line, nothing else.
    let bad = HAND_SCHEME.replacen("weight = 3", "weight = -3", 1);
    let line = line_of(&bad, "weight = -3");
    let (status, body, _) = post_multipart(
        &app,
        "/evaluation/evaluate",
        &evaluator,
        evaluate_form(&bad, "数据.csv", data.clone(), "page"),
    )
    .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains(&format!("第 {line} 行")), "{html}");
    assert!(!html.contains("evaluate-ranking"), "{html}");
    // Bad data: a word for a number and a missing column, each at its place.
    let (status, body, _) = post_multipart(
        &app,
        "/evaluation/evaluate",
        &evaluator,
        evaluate_form(
            HAND_SCHEME,
            "数据.csv",
            "单位,a\nP1,十\nP2,0\n".as_bytes().to_vec(),
            "xlsx",
        ),
    )
    .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("id=\"evaluate-issues\""), "{html}");
    assert!(
        html.contains("<td class=\"num\">2</td><td>B</td>"),
        "the word at row 2, column B: {html}"
    );
    assert!(html.contains("“十”不是数值"), "{html}");
    assert!(
        html.contains("缺少评价方案中指标“b”的列"),
        "the missing column: {html}"
    );

    // Zone staff and administrators may too; leadership, park staff, filers and the
    // public may not.
    for who in ["zone", "admin"] {
        let token = app.login(who).await;
        let (status, _, _) = post_multipart(
            &app,
            "/evaluation/evaluate",
            &token,
            evaluate_form(HAND_SCHEME, "数据.csv", data.clone(), "csv"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{who}");
    }
    for who in ["leader", "park", "filer", "public"] {
        let token = app.login(who).await;
        let (status, _) = page(&app, "/evaluation/evaluate", &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let (status, _, _) = post_multipart(
            &app,
            "/evaluation/evaluate",
            &token,
            evaluate_form(HAND_SCHEME, "数据.csv", data.clone(), "csv"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
}

#[tokio::test]
async fn the_evaluation_api_keeps_to_each_users_scope() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    install(&app, PARK_SCHEME).await;
    install(&app, TEST_SCHEME).await;
    let zone = app.login("zone").await;

    // The schemes in force, with effective weights.
    let leader = app.login("leader").await;
    let (status, body) = app.get("/api/v1/evaluation/schemes", &leader).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let schemes = body["schemes"].as_array().unwrap();
    let codes: Vec<&str> = schemes
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["lanbai_parks", "test_parks"]);
    let rd = schemes[0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == "enterprise_rd_intensity")
        .unwrap();
    assert!((rd["effective_weight"].as_f64().unwrap() - 0.075).abs() < 1e-12);
    assert_eq!(rd["source"], "monitoring");
    assert_eq!(rd["parent"], "innovation_input");
    assert_eq!(
        schemes[1]["inputs"],
        json!(["review", "investment", "platform", "accident"])
    );
    let parsed = Scheme::parse(PARK_SCHEME, &|_| true, &|_| true).unwrap();
    let total: f64 = schemes[0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "indicator")
        .map(|n| n["effective_weight"].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-12);
    assert_eq!(
        schemes[0]["nodes"].as_array().unwrap().len(),
        parsed.nodes.len()
    );

    // Inputs: all or nothing, each refusal with its entry, park and item.
    let entry = |unit: &str, item: &str, value: Value| json!({"unit": unit, "year": 2018, "item": item, "value": value, "note": "API"});
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/evaluation/inputs",
            &zone,
            &json!({"scheme": "test_parks", "entries": [
                entry(PARK_A, "review", json!(80)),
                entry(PARK_A, "accident", json!(2)),
                entry(PARK_B, "platform", json!(1.5)),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "invalid_input");
    let issues = body["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 2, "{body}");
    assert_eq!(issues[0]["row"], 2);
    assert_eq!(issues[0]["field"], "accident");
    assert_eq!(issues[1]["row"], 3);
    assert_eq!(issues[1]["field"], "platform");
    assert_eq!(entries_of(&app).await, 0, "nothing recorded");
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/evaluation/inputs",
            &zone,
            &json!({"scheme": "test_parks", "entries": [
                entry(PARK_A, "review", json!(80)),
                entry(PARK_A, "investment", json!(30)),
                entry(PARK_A, "platform", json!(2)),
                entry(PARK_B, "review", json!(60)),
                entry(PARK_B, "investment", json!(10)),
                entry(PARK_B, "accident", json!(1)),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recorded"], 6);
    // The evaluator of park A may not enter for park B.
    let evaluator = app.login("evaluator").await;
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/evaluation/inputs",
            &evaluator,
            &json!({"scheme": "test_parks", "entries": [entry(PARK_B, "review", json!(99))]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["issues"][0]["row"], 1);
    assert_eq!(stored(&app, PARK_B, "review").await, Some(60.0));

    // A run of the zone's parks, kept; again on unchanged data, the same run.
    let request = json!({"scheme": "test_parks", "scope": ZONE, "year": 2018});
    let park = app.login("park").await;
    for who in [&park, &leader] {
        let (status, _) = app
            .send_json(Method::POST, "/api/v1/evaluation/runs", who, &request)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/evaluation/runs", &zone, &request)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["created"], true);
    let id = body["run"]["id"].as_i64().unwrap();
    assert_eq!(body["run"]["scope"], ZONE);
    assert_eq!(body["run"]["period"], "2018");
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/evaluation/runs", &zone, &request)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["created"], false);
    assert_eq!(body["run"]["id"], id);

    // The whole run for the zone: worked out by hand in TEST_SCHEME.
    let (status, body) = app
        .get(&format!("/api/v1/evaluation/runs/{id}"), &leader)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sees_all"], true);
    let units = body["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0]["code"], PARK_A);
    assert_eq!(units[0]["rank"], 1);
    assert!(
        (units[0]["total"].as_f64().unwrap() - 94.0).abs() < 1e-9,
        "{body}"
    );
    assert!((units[0]["scores"]["performance"].as_f64().unwrap() - 90.0).abs() < 1e-9);
    assert_eq!(units[0]["grade"], "excellent");
    assert_eq!(units[1]["code"], PARK_B);
    assert_eq!(units[1]["rank"], 2);
    assert!((units[1]["total"].as_f64().unwrap() - 30.0).abs() < 1e-9);
    assert_eq!(units[1]["vetoed"], true);
    assert_eq!(units[1]["grade"], "unqualified");

    // Park staff of park A see their park's row only.
    let (status, body) = app.get("/api/v1/evaluation/runs", &park).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["runs"].as_array().unwrap().len(), 1);
    let (status, body) = app
        .get(&format!("/api/v1/evaluation/runs/{id}"), &park)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sees_all"], false);
    assert_eq!(body["units_total"], 2);
    let units = body["units"].as_array().unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["code"], PARK_A);

    // Filers and the public read no evaluation.
    for who in ["filer", "public"] {
        let token = app.login(who).await;
        for path in [
            "/api/v1/evaluation/schemes".to_string(),
            "/api/v1/evaluation/runs".to_string(),
            format!("/api/v1/evaluation/runs/{id}"),
        ] {
            let (status, body) = app.get(&path, &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {path}");
            assert_eq!(body["error"], "forbidden");
        }
    }
    let (status, _) = app.get("/api/v1/evaluation/runs/999999", &zone).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
