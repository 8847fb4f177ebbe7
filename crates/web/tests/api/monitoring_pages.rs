//! The monitoring pages over HTTP, on figures worked by hand: the dashboard of the test
//! zone and of a park, the warning when a target falls behind, an indicator opened up to
//! the enterprises and filings behind it, the workbook and the documents, and who may
//! see which unit's figures.
//!
//! The zone TZ has park A (甲一, high-tech, and 甲二) and park B (乙一). Filings, in 千元:
//!
//! | firm | 2024 revenue | 2024 R&D | 2025 revenue | 2025 R&D |
//! |------|-------------:|---------:|-------------:|---------:|
//! | 甲一 | 8,000        | 400      | 10,000       | 600      |
//! | 甲二 | 4,000        | 80       | 5,000        | 100      |
//! | 乙一 | 4,000        | 200      | 5,000        | 300      |
//!
//! so 2025's R&D over revenue is 1,000 / 20,000 = 5.00 % for the zone, 700 / 15,000 =
//! 4.67 % for park A and 6.00 % for park B; revenue grew 25 % everywhere. The zone's
//! target for it runs from 4.0 % (2024) to 7.0 % (2026): 5.5 % in 2025, which 5.00 %
//! misses by 9.1 %, more than the 2 % of a yellow warning and less than the 10 % of red.

use std::collections::BTreeMap;

use innozone_domain::reporting::{FilingAction, FilingState, Form, Period};
use innozone_exchange::{FileFormat, read_table};
use innozone_store::{Actor, NewRevision};
use reqwest::{Method, StatusCode};

use crate::support::{PARK_A, PARK_B, TestApp, ZONE, page};

const FORM: &str = "torch_annual";

const TARGETS: &str = r#"
[[targets]]
unit = "TZ"
indicator = "enterprise_rd_intensity"
baseline = { year = 2024, value = 4.0 }
points = [{ year = 2026, value = 7.0 }]
source = "test"
"#;

async fn with_monitoring(app: &TestApp) {
    let operator = innozone_app::accounts::operator_principal();
    let forms: Vec<Form> = [
        include_str!("../../../example/forms/torch_annual.toml"),
        include_str!("../../../example/forms/torch_quarterly.toml"),
    ]
    .iter()
    .map(|s| Form::parse(s).unwrap())
    .collect();
    for form in &forms {
        innozone_app::reporting::install_form(app.store.as_ref(), &operator, &form.source)
            .await
            .unwrap();
    }
    let annual = &forms[0];
    let figures = [
        ("A1", [(8_000.0, 400.0), (10_000.0, 600.0)]),
        ("A2", [(4_000.0, 80.0), (5_000.0, 100.0)]),
        ("B1", [(4_000.0, 200.0), (5_000.0, 300.0)]),
    ];
    for (y, year) in [2024, 2025].into_iter().enumerate() {
        innozone_app::reporting::open_period(
            app.store.as_ref(),
            &operator,
            FORM,
            Period::Year(year),
            None,
        )
        .await
        .unwrap();
        let mut revisions = Vec::new();
        for (key, by_year) in &figures {
            let (revenue, rd) = by_year[y];
            let values: BTreeMap<String, f64> = [
                ("employees", 50.0),
                ("rd_staff", 10.0),
                ("revenue", revenue),
                ("rd_expenditure_internal", rd),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let submitted = FilingState::new_filing(FilingAction::Submit, false).unwrap();
            let first = NewRevision {
                form_code: FORM.into(),
                form_version: annual.version,
                period: Period::Year(year),
                enterprise: innozone_domain::registry::EnterpriseId(app.firms[key].id),
                after_revision: 0,
                action: FilingAction::Submit,
                state: submitted,
                values,
                explanations: BTreeMap::new(),
                note: None,
                actor: None,
                at: 1_700_000_000,
            };
            revisions.push(NewRevision {
                after_revision: 1,
                action: FilingAction::Approve,
                state: submitted.after(FilingAction::Approve, None, false).unwrap(),
                ..first.clone()
            });
            revisions.insert(revisions.len() - 1, first);
        }
        app.store
            .record_revisions(
                &revisions,
                &Actor::system(innozone_app::clock::now_unix()),
                &|_| {},
            )
            .await
            .unwrap();
    }
    innozone_app::monitoring::install_catalogue(
        app.store.as_ref(),
        &operator,
        innozone_example::monitoring::INDICATORS,
    )
    .await
    .unwrap();
    innozone_app::monitoring::install_targets(app.store.as_ref(), &operator, TARGETS)
        .await
        .unwrap();
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

/// The value shown on the card of `indicator`.
fn card_value(html: &str, indicator: &str) -> String {
    let at = html
        .find(&format!("data-indicator=\"{indicator}\""))
        .unwrap_or_else(|| panic!("no card for {indicator}"));
    let rest = &html[at..];
    let start = rest.find("class=\"ic-value\"").unwrap();
    let after = &rest[start..];
    let open = after.find('>').unwrap() + 1;
    let close = after[open..].find('<').unwrap();
    after[open..open + close].trim().to_string()
}

#[tokio::test]
async fn the_dashboard_shows_ratios_of_sums_and_the_warning_of_a_target_behind() {
    let app = TestApp::spawn().await;
    with_monitoring(&app).await;
    let zone = app.login("zone").await;
    let tz = unit_id(&app, ZONE).await;
    let (status, html) = page(&app, &format!("/monitoring?unit={tz}&period=2025"), &zone).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(card_value(&html, "enterprise_rd_intensity"), "5.00");
    assert_eq!(card_value(&html, "revenue_growth"), "25.0");
    // Three enterprises, one of them high-tech.
    assert_eq!(card_value(&html, "enterprises_total"), "3");
    assert_eq!(card_value(&html, "high_tech_enterprises"), "1");
    // No GDP was entered: the card says so instead of a number.
    assert_eq!(card_value(&html, "rd_intensity"), "—");
    assert!(
        html.contains("未录入2025年“地区生产总值”"),
        "the reason is shown"
    );
    // 5.00 % against a path value of 5.50 %: yellow.
    let warnings = &html[html.find("id=\"warnings\"").unwrap()..];
    assert!(warnings.contains("滞后（黄色预警）"));
    assert!(warnings.contains("5.50"));
    assert!(warnings.contains("9.1%"));

    let a = unit_id(&app, PARK_A).await;
    let (status, html) = page(&app, &format!("/monitoring?unit={a}&period=2025"), &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(card_value(&html, "enterprise_rd_intensity"), "4.67");
}

#[tokio::test]
async fn an_indicator_opens_up_to_the_enterprises_and_filings_behind_it() {
    let app = TestApp::spawn().await;
    with_monitoring(&app).await;
    let zone = app.login("zone").await;
    let tz = unit_id(&app, ZONE).await;
    let path = format!("/monitoring/indicators/enterprise_rd_intensity?unit={tz}&period=2025");
    let (status, html) = page(&app, &path, &zone).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("sum(rd_expenditure_internal) / sum(revenue)"));
    for firm in ["A1", "A2", "B1"] {
        assert!(html.contains(&app.firms[firm].name), "{firm} is listed");
    }
    // The parks below, each with its own ratio.
    assert!(html.contains("4.67") && html.contains("6.00"));
    // Every enterprise's filing is linked with the revision its values come from.
    assert!(html.contains("/reports/filings/") && html.contains("第 2 版"));

    // The workbook has every enterprise with its R&D and revenue in 千元.
    let r = app
        .request(
            Method::GET,
            &format!(
                "/monitoring/indicators/enterprise_rd_intensity/drill.xlsx?unit={tz}&period=2025"
            ),
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let sheet = read_table("drill.xlsx", &bytes, FileFormat::Xlsx, Some("企业明细")).unwrap();
    assert_eq!(sheet.rows.len(), 3);
    let column = |header: &str| {
        sheet
            .headers
            .iter()
            .position(|h| h.starts_with(header))
            .unwrap()
    };
    let (name, rd) = (column("企业名称"), column("sum(rd_expenditure_internal)"));
    let row = sheet
        .rows
        .iter()
        .find(|r| r.cells[name].as_text() == app.firms["A1"].name)
        .unwrap();
    assert_eq!(row.cells[rd].as_text(), "600");
}

#[tokio::test]
async fn the_dashboard_and_the_bulletin_download_as_workbook_and_document() {
    let app = TestApp::spawn().await;
    with_monitoring(&app).await;
    let zone = app.login("zone").await;
    let tz = unit_id(&app, ZONE).await;
    let r = app
        .request(
            Method::GET,
            &format!("/monitoring/dashboard.xlsx?unit={tz}&period=2025"),
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let sheet = read_table("d.xlsx", &bytes, FileFormat::Xlsx, Some("指标")).unwrap();
    let row = sheet
        .rows
        .iter()
        .find(|r| r.cells[0].as_text() == "enterprise_rd_intensity")
        .unwrap();
    assert_eq!(row.cells[3].as_text(), "5");
    // Last year: 680 / 16,000 = 4.25 %.
    assert_eq!(row.cells[4].as_text(), "4.25");
    let warnings = read_table("d.xlsx", &bytes, FileFormat::Xlsx, Some("预警")).unwrap();
    assert_eq!(warnings.rows.len(), 1);

    let (status, html) = page(
        &app,
        &format!("/monitoring/bulletin?unit={tz}&period=2025"),
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("测试高新区2025年统计监测报告"));
    assert!(html.contains("比上年提高0.75个百分点"), "4.25 % → 5.00 %");
    let r = app
        .request(
            Method::GET,
            &format!("/monitoring/bulletin.docx?unit={tz}&period=2025"),
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let docx = r.bytes().await.unwrap();
    assert_eq!(&docx[..2], b"PK", "a zip package");
}

#[tokio::test]
async fn figures_are_scoped_to_the_users_node() {
    let app = TestApp::spawn().await;
    with_monitoring(&app).await;
    let a = unit_id(&app, PARK_A).await;
    let b = unit_id(&app, PARK_B).await;
    let park = app.login("park").await;
    let (status, _) = page(&app, &format!("/monitoring?unit={a}&period=2025"), &park).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = page(&app, &format!("/monitoring?unit={b}&period=2025"), &park).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = page(
        &app,
        &format!("/monitoring/indicators/enterprise_rd_intensity?unit={b}&period=2025"),
        &park,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for who in ["filer", "public"] {
        let token = app.login(who).await;
        let (status, _) = page(&app, &format!("/monitoring?unit={a}&period=2025"), &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    // Leadership reads the zone's figures.
    let leader = app.login("leader").await;
    let tz = unit_id(&app, ZONE).await;
    let (status, _) = page(&app, &format!("/monitoring?unit={tz}&period=2025"), &leader).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_filer_is_refused_even_before_any_catalogue_is_installed() {
    let app = TestApp::spawn().await;
    let filer = app.login("filer").await;
    let (status, _) = page(&app, "/monitoring", &filer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let zone = app.login("zone").await;
    let (status, html) = page(&app, "/monitoring", &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("尚未安装指标目录"));
}
