//! The reporting pages over HTTP, where a browser is not needed to tell: who reaches
//! which filing, the live check's findings beside their field, a refused submission, and
//! a bulk upload checked first with every issue located.

use innozone_domain::reporting::{Form, Period};
use reqwest::multipart::{Form as Multipart, Part};
use reqwest::{Method, StatusCode};

use crate::support::{TestApp, credit_code, page, post_form};

const FORM: &str = "torch_annual";

/// The shipped forms, and the 2025 period of the annual one open.
async fn with_forms(app: &TestApp) {
    let operator = innozone_app::accounts::operator_principal();
    for source in [
        include_str!("../../../example/forms/torch_annual.toml"),
        include_str!("../../../example/forms/torch_quarterly.toml"),
    ] {
        let form = Form::parse(source).expect("the shipped form parses");
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

/// The slot of findings beside `field` in an answer: up to the next slot.
fn slot<'a>(html: &'a str, field: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"finding-{field}\""))
        .unwrap_or_else(|| panic!("no slot for {field} in {html}"));
    let rest = &html[start + 1..];
    &rest[..rest.find("id=\"finding-").unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_filer_reaches_only_their_own_filing_and_sees_findings_as_they_type() {
    let app = TestApp::spawn().await;
    with_forms(&app).await;
    let filer = app.login("filer").await;
    let own = app.firms["A1"].id;
    let other = app.firms["A2"].id;

    let (status, html) = page(&app, "/reports", &filer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("/reports/{FORM}/2025/enterprises/{own}")),
        "the filer's list links to their own filing"
    );
    let (status, html) = page(
        &app,
        &format!("/reports/{FORM}/2025/enterprises/{own}"),
        &filer,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"v.rd_staff\""), "one input per field");
    assert!(html.contains("未填报"), "a filing not started says so");

    for path in [
        format!("/reports/{FORM}/2025/enterprises/{other}"),
        format!("/reports/{FORM}/2025/enterprises/{other}/template.xlsx"),
        format!("/reports/{FORM}/2025"),
    ] {
        let (status, _) = page(&app, &path, &filer).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _, _) = post_form(
        &app,
        &format!("/reports/{FORM}/2025/enterprises/{other}/check"),
        &filer,
        &[("v.employees", "10")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The live check: R&D staff above employees is an error beside R&D staff.
    let check = format!("/reports/{FORM}/2025/enterprises/{own}/check");
    let (status, html, _) = post_form(
        &app,
        &check,
        &filer,
        &[
            ("v.employees", "50"),
            ("v.rd_staff", "80"),
            ("v.revenue", "abc"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rd = slot(&html, "rd_staff");
    assert!(
        rd.contains("hx-swap-oob")
            && rd.contains("A01")
            && rd.contains("研究开发人员不能大于年末从业人员"),
        "{rd}"
    );
    assert!(slot(&html, "revenue").contains("不是数字"), "{html}");
    assert!(!slot(&html, "employees").contains("finding error"));

    // A draft saves whatever the checks say; a submission with errors is refused.
    let save = format!("/reports/{FORM}/2025/enterprises/{own}");
    let (status, _, redirect) = post_form(
        &app,
        &save,
        &filer,
        &[
            ("v.employees", "50"),
            ("v.rd_staff", "80"),
            ("action", "save_draft"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        redirect.as_deref(),
        Some(format!("{save}?done=save_draft").as_str())
    );
    let (status, html, _) = post_form(
        &app,
        &save,
        &filer,
        &[
            ("v.employees", "50"),
            ("v.rd_staff", "80"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("未能提交") && html.contains("研究开发人员"),
        "{html}"
    );

    let (status, html) = page(&app, &format!("{save}?done=save_draft"), &filer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("草稿已保存") && html.contains("value=\"80\""));
    let id = app
        .store
        .filing(
            FORM,
            Period::Year(2025),
            innozone_domain::registry::EnterpriseId(own),
        )
        .await
        .unwrap()
        .expect("the draft is stored")
        .id;
    let (status, html) = page(&app, &format!("/reports/filings/{id}/history"), &filer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("保存草稿") && html.contains("研究开发人员"),
        "{html}"
    );
    let park = app.login("park").await;
    let (status, _) = page(&app, &format!("/reports/filings/{id}/history"), &park).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the park reads its enterprise's history"
    );
}

#[tokio::test]
async fn a_bulk_upload_is_checked_first_with_every_issue_located() {
    let app = TestApp::spawn().await;
    with_forms(&app).await;
    let park = app.login("park").await;

    let (status, html) = page(&app, &format!("/reports/{FORM}/2025"), &park).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("甲园区") && html.contains("id=\"completeness\""));
    assert!(
        !html.contains("id=\"close-form\""),
        "park staff do not close periods"
    );

    let csv = format!(
        "统一社会信用代码,企业名称,报告期,年末从业人员（人）,研究开发人员（人）,营业收入（千元）\n\
         {},甲一,2025,50,80,abc\n\
         {},乙一,2025,10,1,100\n",
        credit_code(1),
        credit_code(3)
    );
    let upload = |mode: &'static str| {
        Multipart::new()
            .part(
                "file",
                Part::bytes(csv.clone().into_bytes()).file_name("年报.csv"),
            )
            .text("mode", mode)
    };
    let r = app
        .request(
            Method::POST,
            &format!("/reports/{FORM}/2025/upload"),
            Some(&park),
        )
        .header("HX-Request", "true")
        .multipart(upload("check"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("未写入任何数据"), "{html}");
    for expected in [
        "<td class=\"num\">2</td><td>F</td><td>营业收入</td>",
        "不是数字",
        "<td class=\"num\">3</td><td>A</td>",
        "不在您负责的园区范围内",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    let filings = app
        .store
        .filings(FORM, Period::Year(2025), None)
        .await
        .unwrap();
    assert!(filings.is_empty(), "nothing was written");

    let (status, _) = page(
        &app,
        &format!("/reports/{FORM}/2025/files/template.xlsx"),
        &park,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = page(
        &app,
        &format!("/reports/{FORM}/2025/files/approved.csv"),
        &park,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "exports upward are the zone's"
    );
    let zone = app.login("zone").await;
    let (status, html) = page(&app, &format!("/reports/{FORM}/2025"), &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"close-form\""));
    let (status, _) = page(
        &app,
        &format!("/reports/{FORM}/2025/files/approved.csv"),
        &zone,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_form_page_shows_the_definition_and_refuses_a_bad_version_with_its_place() {
    let app = TestApp::spawn().await;
    with_forms(&app).await;
    let zone = app.login("zone").await;
    let (status, html) = page(&app, &format!("/reports/{FORM}"), &zone).await;
    assert_eq!(status, StatusCode::OK);
    // The formula as written (escaped for HTML) and the 其中 fields indented under totals.
    assert!(
        html.contains("rd_staff &#60;= employees") || html.contains("rd_staff &lt;= employees"),
        "{html}"
    );
    assert!(html.contains("其中："));
    assert!(html.contains("id=\"new-version-form\""));

    let bad = include_str!("../../../example/forms/torch_annual.toml")
        .replace("version = 1", "version = 2")
        .replace(
            "check = \"rd_staff <= employees\"",
            "check = \"rd_staf <= employees\"",
        );
    let r = app
        .request(
            Method::POST,
            &format!("/reports/{FORM}/versions"),
            Some(&zone),
        )
        .header("HX-Request", "true")
        .multipart(
            Multipart::new().part("file", Part::bytes(bad.into_bytes()).file_name("年报.toml")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("A01") && html.contains("rd_staf") && html.contains("第 1 个字符处"),
        "{html}"
    );
    let filer = app.login("filer").await;
    let r = app
        .request(
            Method::POST,
            &format!("/reports/{FORM}/periods"),
            Some(&filer),
        )
        .form(&[("period", "2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// The values of a complete, clean annual filing, by field code.
const CLEAN: [(&str, f64); 12] = [
    ("employees", 80.0),
    ("rd_staff", 12.0),
    ("rd_fte", 10.0),
    ("revenue", 5000.0),
    ("net_profit", 400.0),
    ("taxes_paid", 200.0),
    ("total_assets", 9000.0),
    ("total_liabilities", 3000.0),
    ("rd_expenditure_internal", 600.0),
    ("patents_held", 9.0),
    ("invention_patents_held", 3.0),
    ("energy_consumption", 120.0),
];

async fn upload_workbook(
    app: &TestApp,
    path: &str,
    token: &str,
    bytes: Vec<u8>,
    mode: &'static str,
) -> (StatusCode, String, Option<String>) {
    let r = app
        .request(Method::POST, path, Some(token))
        .header("HX-Request", "true")
        .multipart(
            Multipart::new()
                .part("file", Part::bytes(bytes).file_name("年报.xlsx"))
                .text("mode", mode),
        )
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

#[tokio::test]
async fn the_enterprise_template_goes_out_filled_in_and_comes_back_checked_then_submitted() {
    use innozone_exchange::{FileFormat, SheetData, Value, read_table, write_xlsx};

    let app = TestApp::spawn().await;
    with_forms(&app).await;
    let filer = app.login("filer").await;
    let own = app.firms["A1"].id;
    let base = format!("/reports/{FORM}/2025/enterprises/{own}");
    let r = app
        .request(Method::GET, &format!("{base}/template.xlsx"), Some(&filer))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let table = read_table("年报.xlsx", &bytes, FileFormat::Xlsx, None).expect("an xlsx");
    assert_eq!(table.rows.len(), 1, "one row: the enterprise's own");
    assert_eq!(
        table.rows[0].cells[0].as_text(),
        app.firms["A1"].credit_code
    );

    // Filled in: every header of the template, the values in their columns.
    let form = Form::parse(include_str!("../../../example/forms/torch_annual.toml")).unwrap();
    let row: Vec<Value> = table
        .headers
        .iter()
        .enumerate()
        .map(|(c, header)| {
            let field = form
                .fields
                .iter()
                .find(|f| header.starts_with(&format!("{}（", f.zh)));
            match field.and_then(|f| CLEAN.iter().find(|(code, _)| *code == f.code)) {
                Some((_, v)) => Value::Number(*v),
                None => match table.rows[0].cells.get(c) {
                    Some(cell) if !cell.is_empty() => Value::Text(cell.as_text()),
                    _ => Value::Empty,
                },
            }
        })
        .collect();
    let filled = write_xlsx(&[SheetData {
        name: "年报".into(),
        headers: table.headers.clone(),
        rows: vec![row.clone()],
    }])
    .unwrap();

    let (status, html, _) = upload_workbook(
        &app,
        &format!("{base}/upload"),
        &filer,
        filled.clone(),
        "check",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("检查通过") && html.contains("未写入任何数据"),
        "{html}"
    );
    assert!(
        app.store
            .filings(FORM, Period::Year(2025), None)
            .await
            .unwrap()
            .is_empty(),
        "a check writes nothing"
    );
    let (status, _, redirect) =
        upload_workbook(&app, &format!("{base}/upload"), &filer, filled, "commit").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(redirect, Some(format!("{base}?done=upload")));
    let (_, html) = page(&app, &format!("{base}?done=upload"), &filer).await;
    assert!(html.contains("已提交待审核") && html.contains("value=\"5000\""));

    // Another enterprise's row is refused on this page.
    let mut other = row;
    other[0] = Value::Text(app.firms["A2"].credit_code.clone());
    let bytes = write_xlsx(&[SheetData {
        name: "年报".into(),
        headers: table.headers.clone(),
        rows: vec![other],
    }])
    .unwrap();
    let (status, html, _) =
        upload_workbook(&app, &format!("{base}/upload"), &filer, bytes, "check").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不是本企业的"), "{html}");

    // The park approves, the zone closes; reopening needs a reason.
    let id = app
        .store
        .filing(
            FORM,
            Period::Year(2025),
            innozone_domain::registry::EnterpriseId(own),
        )
        .await
        .unwrap()
        .expect("the filing")
        .id;
    let park = app.login("park").await;
    let act = format!("/reports/filings/{id}/act");
    let (status, _, _) = post_form(&app, &act, &park, &[("action", "approve")]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let zone = app.login("zone").await;
    let zone_id = app
        .store
        .hierarchy()
        .await
        .unwrap()
        .unit_by_code(crate::support::ZONE)
        .unwrap()
        .id
        .0
        .to_string();
    let (status, _, redirect) = post_form(
        &app,
        &format!("/reports/{FORM}/2025/close"),
        &zone,
        &[("unit", zone_id.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(redirect.unwrap().ends_with("closed=1"));
    let (status, html, _) = post_form(
        &app,
        &act,
        &park,
        &[("action", "reopen"), ("reason", "更正")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "reopening is the zone's: {html}"
    );
    let (status, html, _) = post_form(&app, &act, &zone, &[("action", "reopen")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请填写理由"), "{html}");
    let r = app
        .request(Method::POST, &act, Some(&zone))
        .header("HX-Request", "true")
        .form(&[("action", "reopen"), ("reason", "企业更正研发数据")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        r.headers().get("HX-Refresh").and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let (_, html) = page(&app, &base, &filer).await;
    assert!(
        html.contains("已退回") && html.contains("企业更正研发数据"),
        "{html}"
    );
}

#[tokio::test]
async fn every_reporting_page_reads_in_both_languages_without_a_raw_key() {
    let app = TestApp::spawn().await;
    with_forms(&app).await;
    let filer = app.login("filer").await;
    let zone = app.login("zone").await;
    let own = app.firms["A1"].id;
    let (status, _, _) = post_form(
        &app,
        &format!("/reports/{FORM}/2025/enterprises/{own}"),
        &filer,
        &[("v.employees", "10"), ("action", "save_draft")],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let id = app
        .store
        .filing(
            FORM,
            Period::Year(2025),
            innozone_domain::registry::EnterpriseId(own),
        )
        .await
        .unwrap()
        .unwrap()
        .id;
    let pages = [
        ("/reports".to_string(), &filer),
        ("/reports".to_string(), &zone),
        (format!("/reports/{FORM}"), &zone),
        (format!("/reports/{FORM}/2025"), &zone),
        (format!("/reports/{FORM}/2025?status=all"), &zone),
        (format!("/reports/{FORM}/2025/enterprises/{own}"), &filer),
        (format!("/reports/filings/{id}/history"), &filer),
    ];
    for (language, title) in [("zh-CN", "统计报表"), ("en", "Reports")] {
        for (path, token) in &pages {
            let r = app
                .request(Method::GET, path, Some(token))
                .header("Accept-Language", language)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path} in {language}");
            let html = r.text().await.unwrap();
            assert!(html.contains(title), "{path} in {language}: the menu");
            for raw in [
                "reports.",
                "filing.status",
                "filing.action",
                "nav.",
                "entity.",
            ] {
                assert!(
                    !html.contains(raw),
                    "{path} in {language} shows a raw key {raw}: {html}"
                );
            }
        }
    }
}
