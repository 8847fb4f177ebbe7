//! The monitoring definitions and statistics entry over HTTP: the catalogue installed
//! through the page and the API with a formula error refused at its place, targets,
//! statistics typed in and changed with every entry kept, the workbook refused at its bad
//! cell and then committed, indicator values with their target, and who may do what.
//!
//! The seed (support.rs): zone TZ with parks TZ-A (A1, A2) and TZ-B (B1). The test
//! catalogue has two statistics (GDP in 亿元, population in 万人) and two indicators:
//! R&D intensity = sum(rd_expenditure_internal) / gdp in %, where the form's field is in
//! 千元, and the count of enterprises.

use innozone_domain::reporting::Period;
use innozone_exchange::{FileFormat, read_table};
use reqwest::multipart::{Form as Multipart, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PARK_A, PARK_B, TestApp, ZONE, page, post_form};

const FORM: &str = "torch_annual";
const FORMULA: &str = "sum(rd_expenditure_internal) / gdp";

const CATALOGUE: &str = r#"version = 1

[[statistics]]
code = "gdp"
zh = "地区生产总值"
en = "Gross domestic product"
unit = "hundred_million_yuan"
additive = true
description_zh = "统计部门核算的地区生产总值。"
description_en = "GDP as accounted by the statistics bureau."

[[statistics]]
code = "population"
zh = "常住人口"
en = "Resident population"
unit = "ten_thousand_persons"
additive = true

[[indicators]]
code = "rd_intensity"
zh = "研发经费投入强度"
en = "R&D intensity"
unit = "percent"
decimals = 2
direction = "higher"
form = "torch_annual"
formula = "sum(rd_expenditure_internal) / gdp"
description_zh = "企业内部研发经费支出占地区生产总值的比重。"
source = "测试规划 专栏1"

[[indicators]]
code = "enterprise_count"
zh = "企业数"
en = "Enterprises"
unit = "enterprises"
decimals = 0
direction = "higher"
form = "torch_annual"
formula = "count()"
"#;

/// The zone's R&D intensity runs from 1.0 % in 2020 to 6.0 % in 2030: 3.5 % in 2025;
/// yellow beyond 5 % short of it, red beyond 20 %.
const TARGETS: &str = r#"
[[targets]]
unit = "TZ"
indicator = "rd_intensity"
baseline = { year = 2020, value = 1.0 }
points = [{ year = 2030, value = 6.0 }]
path = "linear"
warn = 0.05
alarm = 0.20
source = "测试规划"
"#;

/// The shipped forms, and 2025 of the annual one open.
async fn with_forms(app: &TestApp) {
    let operator = innozone_app::accounts::operator_principal();
    for form in innozone_example::filings::forms() {
        innozone_app::reporting::install_form(app.store.as_ref(), &operator, &form.source)
            .await
            .expect("the form installs");
    }
    innozone_app::reporting::open_period(
        app.store.as_ref(),
        &operator,
        FORM,
        Period::Year(2025),
        None,
    )
    .await
    .expect("the period opens");
}

async fn with_catalogue(app: &TestApp) {
    with_forms(app).await;
    let operator = innozone_app::accounts::operator_principal();
    innozone_app::monitoring::install_catalogue(app.store.as_ref(), &operator, CATALOGUE)
        .await
        .expect("the test catalogue installs");
}

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    app.store
        .hierarchy()
        .await
        .unwrap()
        .unit_by_code(code)
        .unwrap()
        .id
        .0
}

async fn post_file(
    app: &TestApp,
    path: &str,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    mode: &str,
) -> (StatusCode, String, Option<String>) {
    let form = Multipart::new()
        .part("file", Part::bytes(bytes).file_name(name.to_string()))
        .text("mode", mode.to_string());
    let r = app
        .request(Method::POST, path, Some(token))
        .header("HX-Request", "true")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let redirect = r
        .headers()
        .get("HX-Redirect")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (r.status(), r.text().await.unwrap(), redirect)
}

/// The current value of a statistic as stored.
async fn stored(app: &TestApp, unit: &str, code: &str) -> Option<f64> {
    let id = unit_id(app, unit).await;
    app.store
        .statistics(&[Period::Year(2025)])
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.unit.0 == id && r.code == code)
        .and_then(|r| r.value)
}

#[tokio::test]
async fn a_catalogue_is_installed_through_the_page_and_a_formula_error_is_refused_at_its_place() {
    let app = TestApp::spawn().await;
    with_forms(&app).await;
    let zone = app.login("zone").await;

    let (status, html) = page(&app, "/monitoring/catalogue", &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"no-catalogue\""), "{html}");
    assert!(
        html.contains("name=\"source\""),
        "zone staff get the editor"
    );

    // A misspelt field: refused with the indicator, the formula and the character, the
    // misspelling marked, and nothing saved, whether checked or installed.
    let bad = CATALOGUE.replace(FORMULA, "sum(rd_expenditur_internal) / gdp");
    for path in ["/monitoring/catalogue/check", "/monitoring/catalogue"] {
        let (status, html, redirect) = post_form(&app, path, &zone, &[("source", &bad)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {html}");
        assert_eq!(redirect, None);
        assert!(html.contains("指标“rd_intensity”"), "{html}");
        // "sum(" is four characters: the field starts at the fifth.
        assert!(html.contains("第 5 个字符处"), "{html}");
        assert!(html.contains("rd_expenditur_internal"), "{html}");
        assert!(
            html.contains("<code>sum(<mark>rd_expenditur_internal</mark>) / gdp</code>"),
            "{html}"
        );
        assert!(html.contains("未保存任何内容"), "{html}");
    }
    assert!(app.store.catalogue_versions().await.unwrap().is_empty());

    // In English the same place.
    let r = app
        .request(Method::POST, "/monitoring/catalogue/check", Some(&zone))
        .header("HX-Request", "true")
        .header("Accept-Language", "en")
        .form(&[("source", &bad)])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Indicator &#39;rd_intensity&#39;")
            || html.contains("Indicator 'rd_intensity'"),
        "{html}"
    );
    assert!(html.contains("at character 5"), "{html}");

    // The good one checks, then installs; the page reloads with it in force.
    let (status, html, _) = post_form(
        &app,
        "/monitoring/catalogue/check",
        &zone,
        &[("source", CATALOGUE)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("检查通过：2 个指标、2 项统计数据"), "{html}");
    assert!(app.store.catalogue_versions().await.unwrap().is_empty());
    let (status, _, redirect) = post_form(
        &app,
        "/monitoring/catalogue",
        &zone,
        &[("source", CATALOGUE)],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let versions = app.store.catalogue_versions().await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].saved_by, "zone");
    assert_eq!(
        redirect.as_deref(),
        Some(format!("/monitoring/catalogue?installed={}", versions[0].id).as_str())
    );

    let (status, html) = page(
        &app,
        &format!("/monitoring/catalogue?installed={}", versions[0].id),
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("共 2 个指标，现已生效"), "{html}");
    assert!(
        html.contains(&format!("<code class=\"formula\">{FORMULA}</code>")),
        "the formula as written"
    );
    assert!(html.contains("id=\"indicator-enterprise_count\""));
    assert!(html.contains("id=\"statistic-population\""));
    assert!(html.contains("万人"), "the entry unit of population");
    assert!(html.contains("测试规划 专栏1"), "the source");
    assert!(html.contains(&format!(
        "/monitoring/catalogue/versions/{}.toml",
        versions[0].id
    )));

    let r = app
        .request(
            Method::GET,
            &format!("/monitoring/catalogue/versions/{}.toml", versions[0].id),
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.text().await.unwrap(), CATALOGUE, "the version as written");

    // A file: a bad one refused whole, a good one checked.
    let (status, html, _) = post_file(
        &app,
        "/monitoring/catalogue/upload",
        &zone,
        "indicators.toml",
        bad.clone().into_bytes(),
        "install",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("indicators.toml") && html.contains("<mark>"),
        "{html}"
    );
    assert_eq!(app.store.catalogue_versions().await.unwrap().len(), 1);
    let (status, html, _) = post_file(
        &app,
        "/monitoring/catalogue/upload",
        &zone,
        "indicators.toml",
        CATALOGUE.as_bytes().to_vec(),
        "check",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("检查通过"), "{html}");
    assert_eq!(app.store.catalogue_versions().await.unwrap().len(), 1);

    // Park staff read it but may not change it; filers do not see it.
    let park = app.login("park").await;
    let (status, html) = page(&app, "/monitoring/catalogue", &park).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(FORMULA) && !html.contains("name=\"source\""));
    let (status, _, _) = post_form(
        &app,
        "/monitoring/catalogue/check",
        &park,
        &[("source", CATALOGUE)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post_form(
        &app,
        "/monitoring/catalogue",
        &park,
        &[("source", CATALOGUE)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.catalogue_versions().await.unwrap().len(), 1);
    let filer = app.login("filer").await;
    let (status, _) = page(&app, "/monitoring/catalogue", &filer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_catalogue_api_installs_and_reads_and_refuses_a_formula_error() {
    let app = TestApp::spawn().await;
    with_forms(&app).await;
    let zone = app.login("zone").await;

    let (status, body) = app.get("/api/v1/monitoring/catalogue", &zone).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Money added to persons: refused, located, nothing saved.
    let bad = CATALOGUE.replace(FORMULA, "sum(rd_expenditure_internal) + sum(employees)");
    let install = |source: String| {
        app.request(Method::POST, "/api/v1/monitoring/catalogue", Some(&zone))
            .header("content-type", "text/plain; charset=utf-8")
            .body(source)
    };
    let (status, body) = crate::support::send(install(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("指标“rd_intensity”"), "{message}");
    assert!(message.contains("个字符处"), "{message}");
    assert!(app.store.catalogue_versions().await.unwrap().is_empty());

    let (status, body) = crate::support::send(install(CATALOGUE.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app.get("/api/v1/monitoring/catalogue", &zone).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"], 1);
    assert_eq!(body["saved_by"], "zone");
    assert_eq!(body["indicators"][0]["code"], "rd_intensity");
    assert_eq!(body["indicators"][0]["formula"], FORMULA);
    assert_eq!(body["indicators"][0]["unit"], "percent");
    assert_eq!(body["indicators"][0]["form"], FORM);
    assert_eq!(body["statistics"][0]["code"], "gdp");
    assert_eq!(body["statistics"][0]["unit_zh"], "亿元");
    assert_eq!(body["statistics"][1]["additive"], true);

    // Park staff may read but not install; filers may not read.
    let park = app.login("park").await;
    let (status, _) = app.get("/api/v1/monitoring/catalogue", &park).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = crate::support::send(
        app.request(Method::POST, "/api/v1/monitoring/catalogue", Some(&park))
            .header("content-type", "text/plain; charset=utf-8")
            .body(CATALOGUE.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let filer = app.login("filer").await;
    let (status, _) = app.get("/api/v1/monitoring/catalogue", &filer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.catalogue_versions().await.unwrap().len(), 1);
}

#[tokio::test]
async fn targets_are_checked_and_installed_and_shown_within_the_users_node() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    let zone = app.login("zone").await;
    let tz = unit_id(&app, ZONE).await;

    let (status, html) = page(&app, &format!("/monitoring/targets?unit={tz}"), &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"no-targets\""), "{html}");

    let bad = TARGETS.replace("unit = \"TZ\"", "unit = \"XX\"");
    for path in ["/monitoring/targets/check", "/monitoring/targets"] {
        let (status, html, _) = post_form(&app, path, &zone, &[("source", &bad)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {html}");
        assert!(html.contains("第 1 个目标：单位代码“XX”不存在"), "{html}");
    }
    assert!(app.store.target_versions().await.unwrap().is_empty());

    let (status, html, _) = post_form(
        &app,
        "/monitoring/targets/check",
        &zone,
        &[("source", TARGETS)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("检查通过：1 个目标，涉及 1 个单位"), "{html}");
    let (status, _, redirect) =
        post_form(&app, "/monitoring/targets", &zone, &[("source", TARGETS)]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        redirect
            .unwrap()
            .starts_with("/monitoring/targets?installed=")
    );
    assert_eq!(app.store.target_versions().await.unwrap().len(), 1);

    let (status, html) = page(&app, &format!("/monitoring/targets?unit={tz}"), &zone).await;
    assert_eq!(status, StatusCode::OK);
    let row = &html[html
        .find("data-indicator=\"rd_intensity\"")
        .expect("the target row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("测试高新区"), "{row}");
    assert!(row.contains("2020: 1.00%"), "{row}");
    assert!(row.contains("2030: 6.00%"), "{row}");
    assert!(row.contains("线性"), "{row}");
    assert!(row.contains("5.0%") && row.contains("20.0%"), "{row}");
    assert!(row.contains("测试规划"), "{row}");
    assert!(
        html.contains("/monitoring/targets/versions/"),
        "the version listed"
    );

    // Park A's staff see the targets of their park: the zone's is not one of them, and
    // the zone's page is not theirs to open.
    let park = app.login("park").await;
    let a = unit_id(&app, PARK_A).await;
    let (status, html) = page(&app, &format!("/monitoring/targets?unit={a}"), &park).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"no-targets\"") && !html.contains("name=\"source\""));
    let (status, _) = page(&app, &format!("/monitoring/targets?unit={tz}"), &park).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) =
        post_form(&app, "/monitoring/targets", &park, &[("source", TARGETS)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.target_versions().await.unwrap().len(), 1);
}

#[tokio::test]
async fn statistics_entered_then_changed_keep_every_entry() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    let zone = app.login("zone").await;
    let tz = unit_id(&app, ZONE).await;
    let b = unit_id(&app, PARK_B).await;
    let tz_text = tz.to_string();

    let (status, html) = page(
        &app,
        &format!("/monitoring/statistics?unit={tz}&period=2025"),
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for unit in [ZONE, PARK_A, PARK_B] {
        assert!(html.contains(&format!("data-unit=\"{unit}\"")), "{unit}");
    }
    assert!(html.contains("name=\"v.gdp\""), "zone staff get inputs");
    assert!(html.contains("亿元") && html.contains("万人"));

    let save = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let zone = &zone;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(app, "/monitoring/statistics", zone, &fields).await
        }
    };
    let (status, html, _) = save(vec![
        ("unit", tz_text.clone()),
        ("period", "2025".into()),
        ("v.gdp", "2".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已保存 1 项"), "{html}");
    assert!(
        html.contains(&format!("id=\"meta-{tz}-gdp\" hx-swap-oob=\"true\"")),
        "the history link is swapped in: {html}"
    );
    assert_eq!(stored(&app, ZONE, "gdp").await, Some(2.0));

    // The same value again adds nothing.
    let (_, html, _) = save(vec![
        ("unit", tz_text.clone()),
        ("period", "2025".into()),
        ("v.gdp", "2.0".into()),
    ])
    .await;
    assert!(html.contains("没有改动"), "{html}");

    // A row: GDP changed with a note, population entered with a separator.
    let (status, html, _) = save(vec![
        ("unit", tz_text.clone()),
        ("period", "2025".into()),
        ("v.gdp", "2.5".into()),
        ("v.population", "1,234.5".into()),
        ("note", "统计局快报".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已保存 2 项"), "{html}");
    assert_eq!(stored(&app, ZONE, "gdp").await, Some(2.5));
    assert_eq!(stored(&app, ZONE, "population").await, Some(1234.5));

    // Not a number: nothing saved, the cell named.
    let (status, html, _) = save(vec![
        ("unit", tz_text.clone()),
        ("period", "2025".into()),
        ("v.gdp", "3".into()),
        ("v.population", "很多".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("常住人口：“很多”不是数字"), "{html}");
    assert_eq!(stored(&app, ZONE, "gdp").await, Some(2.5));

    // Emptied: cleared, and the earlier entries still there.
    let (status, html, _) = save(vec![
        ("unit", tz_text.clone()),
        ("period", "2025".into()),
        ("v.gdp", "".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已保存 1 项"), "{html}");
    assert_eq!(stored(&app, ZONE, "gdp").await, None);
    let (status, html) = page(
        &app,
        &format!("/monitoring/statistics/history?unit={tz}&period=2025&code=gdp"),
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<&str> = html.split("<tr").skip(2).collect();
    assert_eq!(rows.len(), 3, "2, then 2.5, then cleared: {html}");
    assert!(
        rows[0].contains("已清除") && rows[0].contains("现行"),
        "newest first"
    );
    assert!(rows[1].contains(">2.5<") && rows[1].contains("统计局快报"));
    assert!(rows[2].contains(">2<") && rows[2].contains("zone"));

    // The API reads the same and writes another entry.
    let (status, body) = app
        .get(
            &format!("/api/v1/monitoring/statistics?unit={ZONE}&period=2025"),
            &zone,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["units"][0]["unit"], ZONE);
    assert_eq!(body["units"][0]["values"]["gdp"]["value"], Value::Null);
    assert_eq!(body["units"][0]["values"]["population"]["value"], 1234.5);
    assert_eq!(body["units"][0]["writable"], true);
    assert_eq!(body["units"].as_array().unwrap().len(), 3);
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/monitoring/statistics",
            &zone,
            &json!({"unit": PARK_B, "period": "2025", "code": "gdp", "value": 0.8, "note": "API"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changed"], true);
    assert_eq!(body["current"]["value"], 0.8);
    assert_eq!(body["entries"], 1);
    let (_, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/monitoring/statistics",
            &zone,
            &json!({"unit": PARK_B, "period": "2025", "code": "gdp", "value": 0.8}),
        )
        .await;
    assert_eq!(body["changed"], false, "{body}");
    assert_eq!(body["entries"], 1);
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/monitoring/statistics",
            &zone,
            &json!({"unit": PARK_B, "period": "2025", "code": "gpd", "value": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        app.store
            .statistic_history(innozone_domain::registry::UnitId(b), "gdp")
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_upload_with_a_bad_cell_is_refused_with_its_place_and_changes_nothing() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    let zone = app.login("zone").await;
    let tz = unit_id(&app, ZONE).await;

    // The workbook to fill in: a row per unit within the zone, the statistics' columns.
    let r = app
        .request(
            Method::GET,
            &format!("/monitoring/statistics.xlsx?unit={tz}&period=2025"),
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let table = read_table("t.xlsx", &bytes, FileFormat::Xlsx, None).unwrap();
    assert_eq!(
        table.headers,
        [
            "单位代码",
            "单位名称",
            "地区生产总值（亿元）",
            "常住人口（万人）"
        ]
    );
    let codes: Vec<String> = table.rows.iter().map(|r| r.cells[0].as_text()).collect();
    assert_eq!(codes, [ZONE, PARK_A, PARK_B]);

    let path = format!("/monitoring/statistics/upload?unit={tz}&period=2025");
    let bad = "单位代码,单位名称,地区生产总值（亿元）,常住人口（万人）\n\
               TZ,测试高新区,2,12\n\
               TZ-A,甲园区,0.5,五万\n";
    let (status, html, _) = post_file(
        &app,
        &path,
        &zone,
        "statistics.csv",
        bad.as_bytes().to_vec(),
        "commit",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let issues = &html[html.find("id=\"upload-issues\"").expect("the issues table")..];
    let row = &issues[issues.find("<tbody>").unwrap()..];
    // Row 3 of the file (the header is row 1), column D.
    assert!(
        row.contains("<td class=\"num\">3</td><td>D</td>") && row.contains("“五万”不是数字"),
        "{row}"
    );
    assert!(html.contains("未保存任何内容"));
    assert!(
        app.store
            .statistics(&[Period::Year(2025)])
            .await
            .unwrap()
            .is_empty(),
        "nothing recorded, not even the good rows"
    );

    // Mended: checked first (nothing saved), then committed.
    let good = bad.replace("五万", "3");
    let (status, html, _) = post_file(
        &app,
        &path,
        &zone,
        "statistics.csv",
        good.as_bytes().to_vec(),
        "check",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("检查通过") && html.contains("4 个数值，涉及 2 个单位"),
        "{html}"
    );
    assert!(html.contains("value=\"commit\""), "a button to commit");
    assert_eq!(stored(&app, ZONE, "gdp").await, None);
    let (status, html, _) = post_file(
        &app,
        &path,
        &zone,
        "statistics.csv",
        good.as_bytes().to_vec(),
        "commit",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已导入"), "{html}");
    assert_eq!(stored(&app, ZONE, "gdp").await, Some(2.0));
    assert_eq!(stored(&app, ZONE, "population").await, Some(12.0));
    assert_eq!(stored(&app, PARK_A, "gdp").await, Some(0.5));
    assert_eq!(stored(&app, PARK_A, "population").await, Some(3.0));
    assert_eq!(stored(&app, PARK_B, "gdp").await, None);
}

#[tokio::test]
async fn park_staff_reach_only_their_park_and_filers_not_monitoring_at_all() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    let park = app.login("park").await;
    let a = unit_id(&app, PARK_A).await;
    let b = unit_id(&app, PARK_B).await;

    // Their own park: read, not written (statistics are the zone's to enter).
    let (status, html) = page(
        &app,
        &format!("/monitoring/statistics?unit={a}&period=2025"),
        &park,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("name=\"v.gdp\"") && !html.contains("statistics-upload"));
    // Another park: neither.
    for path in [
        format!("/monitoring/statistics?unit={b}&period=2025"),
        format!("/monitoring/statistics.xlsx?unit={b}&period=2025"),
        format!("/monitoring/statistics/history?unit={b}&period=2025&code=gdp"),
    ] {
        let (status, _) = page(&app, &path, &park).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    for unit in [a, b] {
        let (status, _, _) = post_form(
            &app,
            "/monitoring/statistics",
            &park,
            &[
                ("unit", &unit.to_string()),
                ("period", "2025"),
                ("v.gdp", "1"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "unit {unit}");
    }
    let (status, _, _) = post_file(
        &app,
        &format!("/monitoring/statistics/upload?unit={b}&period=2025"),
        &park,
        "s.csv",
        "单位代码,地区生产总值\nTZ-B,1\n".as_bytes().to_vec(),
        "commit",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get(
            &format!("/api/v1/monitoring/statistics?unit={PARK_B}&period=2025"),
            &park,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .send_json(
            Method::PUT,
            "/api/v1/monitoring/statistics",
            &park,
            &json!({"unit": PARK_B, "period": "2025", "code": "gdp", "value": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        app.store
            .statistics(&[Period::Year(2025)])
            .await
            .unwrap()
            .is_empty()
    );

    // A filer opens none of monitoring.
    let filer = app.login("filer").await;
    for path in [
        "/monitoring".to_string(),
        "/monitoring/catalogue".to_string(),
        "/monitoring/targets".to_string(),
        "/monitoring/statistics".to_string(),
        format!("/monitoring/statistics?unit={a}&period=2025"),
    ] {
        let (status, _) = page(&app, &path, &filer).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) = app
        .get(
            &format!("/api/v1/monitoring/values?unit={PARK_A}&period=2025"),
            &filer,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A zone statistician reaches every park and writes there.
    let zone = app.login("zone").await;
    let (status, html) = page(
        &app,
        &format!("/monitoring/statistics?unit={b}&period=2025"),
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"v.gdp\""));
    let (status, body) = app
        .send_json(
            Method::PUT,
            "/api/v1/monitoring/statistics",
            &zone,
            &json!({"unit": PARK_B, "period": "2025", "code": "gdp", "value": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored(&app, PARK_B, "gdp").await, Some(1.0));
}

/// A complete annual filing that breaks no rule, with the R&D expenditure given (千元).
fn filing(rd: f64) -> Value {
    json!({
        "employees": 120,
        "rd_staff": 30,
        "rd_fte": 25.5,
        "revenue": 50000,
        "net_profit": 3000,
        "taxes_paid": 1500,
        "total_assets": 80000.25,
        "total_liabilities": 30000,
        "rd_expenditure_internal": rd,
        "patents_held": 12,
        "invention_patents_held": 5,
        "energy_consumption": 350.5,
    })
}

#[tokio::test]
async fn indicator_values_come_with_the_reason_they_are_missing_and_the_target() {
    let app = TestApp::spawn().await;
    with_catalogue(&app).await;
    let operator = innozone_app::accounts::operator_principal();
    innozone_app::monitoring::install_targets(app.store.as_ref(), &operator, TARGETS)
        .await
        .unwrap();
    let zone = app.login("zone").await;
    let admin = app.login("admin").await;

    // A1 files 4,000 千元 of R&D and B1 1,000 千元, both approved; A2 files 1,000 千元,
    // not yet reviewed.
    for (firm, rd, approve) in [
        ("A1", 4000.0, true),
        ("B1", 1000.0, true),
        ("A2", 1000.0, false),
    ] {
        let path = format!(
            "/api/v1/filings/{FORM}/2025/{}",
            app.firms[firm].credit_code
        );
        let (status, body) = app
            .send_json(
                Method::PUT,
                &path,
                &admin,
                &json!({"values": filing(rd), "submit": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if approve {
            let id = body["id"].as_i64().unwrap();
            let (status, body) = app
                .send_json(
                    Method::POST,
                    &format!("/api/v1/filings/{id}/actions"),
                    &admin,
                    &json!({"action": "approve"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
    // GDP: the zone 2 亿元, park A 0.5 亿元, park B none.
    for (unit, gdp) in [(ZONE, 2.0), (PARK_A, 0.5)] {
        let (status, body) = app
            .send_json(
                Method::PUT,
                "/api/v1/monitoring/statistics",
                &zone,
                &json!({"unit": unit, "period": "2025", "code": "gdp", "value": gdp}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let values = |unit: &'static str, basis: &'static str| {
        let app = &app;
        let zone = &zone;
        async move {
            let (status, body) = app
                .get(
                    &format!("/api/v1/monitoring/values?unit={unit}&period=2025&basis={basis}"),
                    zone,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    let find = |body: &Value, code: &str| -> Value {
        body["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} in {body}"))
    };

    // Approved only: 5,000 千元 = 5,000,000 元 over 2 亿元 = 200,000,000 元: 2.50 %.
    // The path runs 1.0 → 6.0 over 2020–2030: 3.5 in 2025, missed by 1.0 / 3.5 = 28.6 %,
    // more than the 20 % of red.
    let body = values(ZONE, "approved").await;
    assert_eq!(body["basis"], "approved");
    let rd = find(&body, "rd_intensity");
    assert_eq!(rd["value"], 2.5);
    assert_eq!(rd["unit"], "percent");
    assert_eq!(rd["target"]["expected"], 3.5);
    assert!((rd["target"]["shortfall"].as_f64().unwrap() - 1.0 / 3.5).abs() < 1e-9);
    assert_eq!(rd["target"]["status"], "seriously_behind");
    assert_eq!(rd["target"]["source"], "测试规划");
    // Every enterprise located in the zone counts, filed or not.
    assert_eq!(find(&body, "enterprise_count")["value"], 3.0);
    assert_eq!(find(&body, "enterprise_count")["target"], Value::Null);

    // Including A2's submission: 6,000 千元 over 2 亿元 = 3.00 %, short by 0.5 / 3.5 =
    // 14.3 %: yellow.
    let rd = find(&values(ZONE, "all").await, "rd_intensity");
    assert_eq!(rd["value"], 3.0);
    assert!((rd["target"]["shortfall"].as_f64().unwrap() - 0.5 / 3.5).abs() < 1e-9);
    assert_eq!(rd["target"]["status"], "behind");

    // Park A: 4,000 千元 over 0.5 亿元 = 8.00 %, and no target of its own.
    let rd = find(&values(PARK_A, "approved").await, "rd_intensity");
    assert_eq!(rd["value"], 8.0);
    assert_eq!(rd["target"], Value::Null);

    // Park B has B1's filing but no GDP: no number, and why.
    let rd = find(&values(PARK_B, "approved").await, "rd_intensity");
    assert_eq!(rd["value"], Value::Null);
    assert_eq!(rd["unavailable"]["reason"], "missing_statistic", "{rd}");
    assert!(
        rd["unavailable"]["message"]
            .as_str()
            .unwrap()
            .contains("地区生产总值"),
        "{rd}"
    );

    let (status, body) = app
        .get(
            &format!("/api/v1/monitoring/values?unit={ZONE}&period=2025&basis=maybe"),
            &zone,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let park = app.login("park").await;
    let (status, _) = app
        .get(
            &format!("/api/v1/monitoring/values?unit={PARK_B}&period=2025"),
            &park,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
