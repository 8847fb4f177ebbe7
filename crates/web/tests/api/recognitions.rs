//! Recognitions over HTTP: a workbook checked then committed and shown on the enterprise
//! page's ladder, a bad workbook refused with every problem located and nothing changed,
//! one recognition entered on the enterprise page, park staff kept to their park, and the
//! certificates expiring within six months of a fixed day on the whole example, worked
//! out from the example's data set.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use innozone_domain::accounts::{Binding, Role};
use innozone_domain::registry::EnterpriseId;
use innozone_exchange::{SheetData, Value};
use innozone_store::AuditQuery;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use time::macros::date;

use crate::support::{TestApp, credit_code, wrong_check_character};

const HEADERS: [&str; 7] = [
    "统一社会信用代码",
    "企业名称",
    "认定类型",
    "证书编号",
    "发证日期",
    "有效期至",
    "发证机关",
];

/// A workbook with the sheet 认定 and the given rows of text.
fn workbook(rows: &[[&str; 7]]) -> Vec<u8> {
    let sheet = SheetData {
        name: "认定".to_string(),
        headers: HEADERS.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        if c.is_empty() {
                            Value::Empty
                        } else {
                            Value::Text(c.to_string())
                        }
                    })
                    .collect()
            })
            .collect(),
    };
    innozone_exchange::write_xlsx(&[sheet]).expect("a workbook")
}

async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>, mode: &str) -> (StatusCode, String) {
    let form = Form::new()
        .part("file", Part::bytes(bytes).file_name("认定.xlsx"))
        .text("mode", mode.to_string());
    let r = app
        .request(
            Method::POST,
            "/cultivation/recognitions/import",
            Some(token),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn page(app: &TestApp, token: &str, path: &str) -> (StatusCode, String) {
    let r = app
        .request(Method::GET, path, Some(token))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The problems of an answer as (location, message), from its issues table.
fn issues(html: &str) -> Vec<(String, String)> {
    html.split("<tr><td class=\"nowrap\">")
        .skip(1)
        .map(|row| {
            let (location, rest) = row.split_once("</td><td>").expect("two cells");
            let message = rest.split_once("</td>").expect("a message").0;
            (location.to_string(), message.to_string())
        })
        .collect()
}

/// Every version of every recognition of the given enterprises, and the audit's size.
async fn everything(app: &TestApp, ids: &[i64]) -> (Vec<String>, i64) {
    let mut out = Vec::new();
    for id in ids {
        for r in app
            .store
            .recognition_history(EnterpriseId(*id))
            .await
            .unwrap()
        {
            out.push(format!("{id} {r:?}"));
        }
    }
    let audit = app
        .store
        .audit(&AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .1;
    (out, audit)
}

#[tokio::test]
async fn a_good_upload_is_checked_then_recorded_and_shown_on_the_ladder() {
    let app = TestApp::spawn().await;
    let zone = app.login("zone").await;
    let (a2, b1) = (&app.firms["A2"], &app.firms["B1"]);
    let good = workbook(&[
        [
            &a2.credit_code,
            &a2.name,
            "高新技术企业",
            "GR202462000002",
            "2024-12-01",
            "2027-12-01",
            "甘肃省科学技术厅",
        ],
        [
            &b1.credit_code,
            "",
            "tech_sme",
            "2025620100000123",
            "2025-05-01",
            "2026-05-01",
            "",
        ],
    ]);
    let ids = [app.firms["A1"].id, a2.id, b1.id];
    let before = everything(&app, &ids).await;

    let (status, body) = upload(&app, &zone, good.clone(), "check").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("新增 2") && body.contains("未变 0"), "{body}");
    assert_eq!(
        everything(&app, &ids).await,
        before,
        "a check writes nothing"
    );

    let (status, body) = upload(&app, &zone, good.clone(), "commit").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let history = app
        .store
        .recognition_history(EnterpriseId(a2.id))
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].recognition.certificate_no, "GR202462000002");
    assert_eq!(history[0].authority.as_deref(), Some("甘肃省科学技术厅"));
    assert_eq!(history[0].recorded_by, "zone");
    assert_eq!(
        history[0].source,
        innozone_store::RecognitionSource::Imported
    );

    // The same file again changes nothing.
    let after = everything(&app, &ids).await;
    let (status, body) = upload(&app, &zone, good, "commit").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("新增 0") && body.contains("未变 2"), "{body}");
    assert_eq!(everything(&app, &ids).await, after);

    // The enterprise page shows the ladder: 高新技术企业 held with its certificate.
    let (status, html) = page(&app, &zone, &format!("/enterprises/{}", a2.id)).await;
    assert_eq!(status, StatusCode::OK);
    let highest = html
        .split("id=\"ladder-highest\"")
        .nth(1)
        .expect("the ladder");
    assert!(
        highest[..200.min(highest.len())].contains("高新技术企业"),
        "{highest}"
    );
    let rung = html
        .split("data-tier=\"high_tech\"")
        .nth(1)
        .and_then(|r| r.split("</li>").next())
        .expect("the high-tech rung");
    assert!(
        rung.contains("GR202462000002") && rung.contains("2027-12-01"),
        "{rung}"
    );
    assert!(
        html.contains("class=\"rung held\" data-tier=\"high_tech\""),
        "held"
    );
    assert!(
        html.contains("class=\"rung \" data-tier=\"gazelle\""),
        "not held"
    );
    // Nine tiers in the ladder's order.
    let order: Vec<&str> = html
        .split("data-tier=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "tech_sme",
            "innovative_sme",
            "specialised_sme",
            "little_giant",
            "high_tech",
            "gazelle",
            "unicorn",
            "single_champion",
            "leading"
        ]
    );
    assert!(html.contains("导入"), "the source");
}

#[tokio::test]
async fn a_bad_upload_is_refused_with_every_problem_located_and_nothing_changed() {
    let app = TestApp::spawn().await;
    let zone = app.login("zone").await;
    let (a1, a2, b1) = (&app.firms["A1"], &app.firms["A2"], &app.firms["B1"]);
    let unknown = credit_code(99);
    let malformed = wrong_check_character(&a1.credit_code);
    let bad = workbook(&[
        // Row 2: a valid code no enterprise is registered under.
        [
            &unknown,
            "",
            "高新技术企业",
            "GR-1",
            "2024-01-01",
            "2027-01-01",
            "",
        ],
        // Row 3: a code with a wrong check character.
        [
            &malformed,
            "",
            "高新技术企业",
            "GR-2",
            "2024-01-01",
            "2027-01-01",
            "",
        ],
        // Row 4: the expiry before the issue date.
        [
            &a2.credit_code,
            "",
            "高新技术企业",
            "GR-3",
            "2024-01-01",
            "2023-01-01",
            "",
        ],
        // Rows 5 and 6: the same certificate twice.
        [
            &a2.credit_code,
            "",
            "瞪羚企业",
            "DL-1",
            "2024-01-01",
            "",
            "",
        ],
        [
            &b1.credit_code,
            "",
            "瞪羚企业",
            "DL-1",
            "2024-02-01",
            "",
            "",
        ],
        // Row 7: A1's certificate, for A2.
        [
            &a2.credit_code,
            "",
            "高新技术企业",
            "GR202362000001",
            "2023-01-01",
            "",
            "",
        ],
        // Row 8: an unknown tier.
        [
            &a2.credit_code,
            "",
            "小巨人企业",
            "XJR-1",
            "2024-01-01",
            "",
            "",
        ],
    ]);
    let ids = [a1.id, a2.id, b1.id];
    let before = everything(&app, &ids).await;
    for mode in ["check", "commit"] {
        let (status, body) = upload(&app, &zone, bad.clone(), mode).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let found = issues(&body);
        let expected = [
            (
                "第 2 行 A 列",
                // Zone staff hear the same of an unknown code as of one outside the zone.
                format!("您管理范围内没有统一社会信用代码为“{unknown}”的企业"),
            ),
            ("第 3 行 A 列", "校验位".to_string()),
            (
                "第 4 行 F 列",
                "有效期至 2023-01-01 不晚于发证日期 2024-01-01".to_string(),
            ),
            ("第 6 行 D 列", "“DL-1”与第 5 行重复".to_string()),
            (
                "第 7 行 D 列",
                format!(
                    "证书编号“GR202362000001”已登记在另一家企业（{}）名下",
                    a1.credit_code
                ),
            ),
            ("第 8 行 C 列", "“小巨人企业”不是认定类型".to_string()),
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for ((location, message), (want_at, want)) in found.iter().zip(&expected) {
            assert!(
                location.contains("工作表“认定”") && location.contains(want_at),
                "{location} ≠ {want_at}"
            );
            assert!(message.contains(want.as_str()), "{message} ≠ {want}");
        }
        assert_eq!(everything(&app, &ids).await, before, "nothing changed");
    }
}

#[tokio::test]
async fn one_recognition_is_entered_on_the_enterprise_page_and_a_correction_keeps_the_earlier() {
    let app = TestApp::spawn().await;
    let park = app.login("park").await;
    let a2 = &app.firms["A2"];
    let path = format!("/cultivation/enterprises/{}/recognitions", a2.id);
    let form = |expires: &str| {
        vec![
            ("tier", "gazelle".to_string()),
            ("certificate_no", "DL-2025-1".to_string()),
            ("issued_on", "2025-03-01".to_string()),
            ("expires_on", expires.to_string()),
            ("authority", "兰州市科技局".to_string()),
        ]
    };
    let r = app
        .request(Method::POST, &path, Some(&park))
        .form(&form("2026-03-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        r.headers()["HX-Redirect"],
        format!("/enterprises/{}", a2.id)
    );
    // Bad input on the form: located by field, nothing written.
    let r = app
        .request(Method::POST, &path, Some(&park))
        .form(&form("2024-03-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("有效期至 2024-03-01 不晚于发证日期 2025-03-01"),
        "{body}"
    );
    // A correction: revoked early.
    let r = app
        .request(Method::POST, &path, Some(&park))
        .form(&form("2025-09-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let history = app
        .store
        .recognition_history(EnterpriseId(a2.id))
        .await
        .unwrap();
    let versions: Vec<_> = history
        .iter()
        .map(|r| (r.recognition.expires_on, r.replaced.is_some(), r.source))
        .collect();
    use innozone_store::RecognitionSource::Entered;
    assert_eq!(
        versions,
        [
            (Some(date!(2025 - 09 - 30)), false, Entered),
            (Some(date!(2026 - 03 - 01)), true, Entered)
        ]
    );
    let (status, html) = page(&app, &park, &format!("/enterprises/{}", a2.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("已更正（原记录）") && html.contains("recognition-form"),
        "history and form"
    );
}

#[tokio::test]
async fn park_staff_neither_record_nor_read_another_parks_recognitions() {
    let app = TestApp::spawn().await;
    let park = app.login("park").await;
    let filer = app.login("filer").await;
    let (a1, b1) = (&app.firms["A1"], &app.firms["B1"]);
    let ids = [a1.id, b1.id];
    let before = everything(&app, &ids).await;
    let form = [
        ("tier", "gazelle"),
        ("certificate_no", "DL-9"),
        ("issued_on", "2025-03-01"),
    ];
    // Park A's staff on park B's enterprise: not found, as if it did not exist.
    let r = app
        .request(
            Method::POST,
            &format!("/cultivation/enterprises/{}/recognitions", b1.id),
            Some(&park),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    for path in [
        format!("/cultivation/enterprises/{}/ladder", b1.id),
        format!("/enterprises/{}", b1.id),
    ] {
        let (status, _) = page(&app, &park, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    // Nor in a workbook: the row is refused, located.
    let (status, body) = upload(
        &app,
        &park,
        workbook(&[[
            &b1.credit_code,
            "",
            "瞪羚企业",
            "DL-9",
            "2025-03-01",
            "",
            "",
        ]]),
        "commit",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let found = issues(&body);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].0.contains("第 2 行 A 列")
            && found[0].1.contains("您管理范围内没有统一社会信用代码为"),
        "{found:?}"
    );
    // A filer reads its own ladder but records nothing, not even for itself.
    let (status, html) = page(
        &app,
        &filer,
        &format!("/cultivation/enterprises/{}/ladder", a1.id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("recognition-form"));
    let r = app
        .request(
            Method::POST,
            &format!("/cultivation/enterprises/{}/recognitions", a1.id),
            Some(&filer),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, _) = upload(
        &app,
        &filer,
        workbook(&[[
            &a1.credit_code,
            "",
            "瞪羚企业",
            "DL-9",
            "2025-03-01",
            "",
            "",
        ]]),
        "commit",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(everything(&app, &ids).await, before);
}

/// The built-in example's registry behind the real application, with an administrator
/// and the staff of `park`.
async fn example_registry(park: &str) -> TestApp {
    // The registry alone: the whole example would add the recognitions it derives from
    // the filings, and this test counts the data set's certificates.
    let store = innozone_app::testing::example_registry_store().await;
    let park_id = store
        .hierarchy()
        .await
        .unwrap()
        .unit_by_code(park)
        .expect("an example park")
        .id;
    let mut app = TestApp::serve(store).await;
    app.add_accounts(&[
        ("admin", Role::Administrator, Binding::Everything),
        ("park", Role::ParkStaff, Binding::Unit(park_id)),
    ])
    .await;
    app
}

#[tokio::test]
async fn certificates_expiring_within_six_months_of_a_fixed_day_on_the_example() {
    // From 2025-09-01 six months on: to 2026-03-01, both days included (the example's
    // certificates are issued in October to December batches, valid three years, so the
    // window holds the 2022 batch's). Worked out from
    // the data set the store was loaded with: every certificate whose expiry falls in
    // the window, and for park staff those of the enterprises located in the park now.
    let dataset = innozone_example::builtin();
    let (from, to) = (date!(2025 - 09 - 01), date!(2026 - 03 - 01));
    let mut expected: Vec<(String, String, String)> = Vec::new();
    for e in &dataset.enterprises {
        let park = e
            .locations
            .iter()
            .find(|l| l.until.is_none())
            .map(|l| l.park.to_string())
            .unwrap_or_default();
        for r in &e.recognitions {
            if r.expires_on.is_some_and(|x| from <= x && x <= to) {
                expected.push((
                    r.certificate_no.clone(),
                    e.draft.credit_code.to_string(),
                    park.clone(),
                ));
            }
        }
    }
    assert!(
        expected.len() > 10,
        "the example has certificates expiring then"
    );
    // The park of the first of them, and its share.
    let park = expected[0].2.clone();
    let app = example_registry(&park).await;
    let admin = app.login("admin").await;
    let staff = app.login("park").await;

    let certificates = |html: &str| -> Vec<String> {
        let table = html.split("id=\"expiring\"").nth(1).unwrap_or("");
        table
            .split("<tr>")
            .skip(2)
            .map(|row| {
                row.split("<code>")
                    .nth(2)
                    .and_then(|c| c.split("</code>").next())
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let (status, html) = page(
        &app,
        &admin,
        "/cultivation/expiring?months=6&from=2025-09-01",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("共 {} 张证书到期", expected.len())),
        "count"
    );
    assert_eq!(
        sorted(certificates(&html)),
        sorted(expected.iter().map(|e| e.0.clone()).collect())
    );

    // Within the park's part of the tree today (a park may have parks of its own).
    let hierarchy = app.store.hierarchy().await.unwrap();
    let tree = hierarchy.as_of(innozone_app::clock::today());
    let park_id = hierarchy.unit_by_code(&park).unwrap().id;
    let of_park: Vec<String> = expected
        .iter()
        .filter(|e| {
            hierarchy
                .unit_by_code(&e.2)
                .is_some_and(|p| tree.path(p.id).contains(&park_id))
        })
        .map(|e| e.0.clone())
        .collect();
    assert!(!of_park.is_empty() && of_park.len() < expected.len());
    let (status, html) = page(
        &app,
        &staff,
        "/cultivation/expiring?months=6&from=2025-09-01",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sorted(certificates(&html)), sorted(of_park.clone()));

    // The download lists the same, in the import's columns.
    let r = app
        .request(
            Method::GET,
            "/cultivation/expiring.xlsx?months=6&from=2025-09-01",
            Some(&staff),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    let range = book.worksheet_range("即将到期").expect("the sheet");
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert!(header[3].starts_with("证书编号"), "{header:?}");
    let listed: Vec<String> = rows.map(|r| r[3].to_string()).collect();
    assert_eq!(sorted(listed), sorted(of_park));
}
