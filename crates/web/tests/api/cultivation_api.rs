//! Enterprise cultivation over the JSON API: an enterprise's recognitions read and one
//! entered with the import's checks (each problem named by field, nothing written), the
//! recognitions import and template, scope (a park sees only its own enterprises, a filer
//! only its own), bad parameters refused in Chinese; on the whole example, the candidate
//! list, the pool and the expiring certificates as the application computes them, within
//! the caller's scope.

use std::collections::HashSet;

use innozone_app::clock::today;
use innozone_domain::accounts::{Binding, Principal, Role};
use innozone_domain::registry::{EnterpriseId, Tier};
use innozone_domain::reporting::Period;
use innozone_exchange::{SheetData, Value as Cell};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, is_chinese, page, send};
use crate::whole_example::{LAGGING, example_app};

fn recognitions_path(app: &TestApp, firm: &str) -> String {
    format!("/api/v1/enterprises/{}/recognitions", app.firms[firm].id)
}

fn issue_fields(body: &Value) -> Vec<String> {
    body["issues"]
        .as_array()
        .map(|issues| {
            issues
                .iter()
                .filter_map(|i| i["field"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn recognitions_are_read_and_entered_within_scope_with_located_problems() {
    let app = TestApp::spawn().await;
    let zone = app.login("zone").await;
    let park = app.login("park").await;
    let filer = app.login("filer").await;

    // The seed's high-tech certificate of A1, without expiry: held today.
    let (status, a1) = app.get(&recognitions_path(&app, "A1"), &zone).await;
    assert_eq!(status, StatusCode::OK, "{a1}");
    assert_eq!(a1["held"], json!(["high_tech"]));
    assert_eq!(a1["highest"], "high_tech");
    assert_eq!(a1["history"][0]["certificate_no"], "GR202362000001");
    assert_eq!(a1["history"][0]["expires_on"], Value::Null);

    // Park staff of 甲园区 enter a 科技型中小企业 registration of A2, valid a year.
    let issued = today() - time::Duration::days(30);
    let expires = issued.replace_year(issued.year() + 1).unwrap();
    let entry = json!({
        "tier": "tech_sme",
        "certificate_no": "2026620100A0001",
        "issued_on": issued.to_string(),
        "expires_on": expires.to_string(),
        "authority": "甘肃省科学技术厅",
    });
    let path = recognitions_path(&app, "A2");
    let (status, report) = app.send_json(Method::POST, &path, &park, &entry).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["created"], 1);
    let (_, a2) = app.get(&path, &zone).await;
    assert_eq!(a2["held"], json!(["tech_sme"]));
    assert_eq!(a2["history"][0]["source"], "entered");
    assert_eq!(a2["history"][0]["recorded_by"], "park");
    let before = a2["history"].as_array().unwrap().len();

    // Bad entries: each problem named by its field, in Chinese, nothing written.
    let bad = [
        (
            json!({"tier": "tech_sme", "certificate_no": "2026620100A0002",
                   "issued_on": "2025-06-30", "expires_on": "2025-01-01"}),
            "expires_on",
        ),
        (
            json!({"tier": "no_such_tier", "certificate_no": "X1", "issued_on": "2025-06-30"}),
            "tier",
        ),
        (
            json!({"tier": "tech_sme", "certificate_no": "X2", "issued_on": "30/06/2025"}),
            "issued_on",
        ),
        // A1's certificate number, given to another enterprise.
        (
            json!({"tier": "high_tech", "certificate_no": "GR202362000001",
                   "issued_on": "2023-01-01"}),
            "certificate_no",
        ),
    ];
    for (body, field) in bad {
        let (status, answer) = app.send_json(Method::POST, &path, &park, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert!(
            issue_fields(&answer).iter().any(|f| f == field),
            "{body}: {answer}"
        );
        assert!(is_chinese(answer["issues"][0]["message"].as_str().unwrap()));
    }
    let (_, a2) = app.get(&path, &zone).await;
    assert_eq!(a2["history"].as_array().unwrap().len(), before);

    // Scope: park staff of 甲园区 neither read nor write 乙园区's B1; a filer reads its own
    // enterprise only and records nothing.
    let b1 = recognitions_path(&app, "B1");
    let (status, _) = app.get(&b1, &park).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.send_json(Method::POST, &b1, &park, &entry).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&recognitions_path(&app, "A1"), &filer).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.get(&path, &filer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let own = json!({"tier": "gazelle", "certificate_no": "DL1", "issued_on": "2025-04-30"});
    let (status, _) = app
        .send_json(Method::POST, &recognitions_path(&app, "A1"), &filer, &own)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The recognitions import of the files API, checked then applied, and its template.
    let admin = app.login("admin").await;
    let sheet = SheetData {
        name: "认定".to_string(),
        headers: [
            "统一社会信用代码",
            "企业名称",
            "认定类型",
            "证书编号",
            "发证日期",
            "有效期至",
            "发证机关",
        ]
        .map(str::to_string)
        .to_vec(),
        rows: vec![
            [
                app.firms["B1"].credit_code.as_str(),
                "",
                "专精特新中小企业",
                "ZJTX2025620001",
                "2025-08-31",
                "2028-08-31",
                "甘肃省工业和信息化厅",
            ]
            .map(|t| {
                if t.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(t.to_string())
                }
            })
            .to_vec(),
        ],
    };
    let bytes = innozone_exchange::write_xlsx(&[sheet]).unwrap();
    let upload = |dry: bool| {
        let form = Form::new().part(
            "file",
            Part::bytes(bytes.clone()).file_name("recognitions.xlsx"),
        );
        app.request(
            Method::POST,
            &format!("/api/v1/imports/recognitions?dry_run={dry}"),
            Some(&admin),
        )
        .multipart(form)
    };
    let (status, checked) = send(upload(true)).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(
        (checked["dry_run"].clone(), checked["created"].clone()),
        (json!(true), json!(1))
    );
    let (_, b1_before) = app.get(&b1, &admin).await;
    assert_eq!(b1_before["history"], json!([]), "a dry run writes nothing");
    let (status, applied) = send(upload(false)).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["created"], 1);
    let (_, b1_after) = app.get(&b1, &admin).await;
    assert_eq!(b1_after["history"][0]["tier"], "specialised_sme");
    assert_eq!(b1_after["history"][0]["source"], "imported");
    let r = app
        .request(
            Method::GET,
            "/api/v1/templates/recognitions.xlsx",
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an xlsx (zip)");

    // Bad parameters of the lists: 422 in Chinese, naming what is wrong.
    let (status, body) = app
        .get("/api/v1/cultivation/candidates?tier=tiger", &zone)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("tiger") && message.contains("high_tech"),
        "{message}"
    );
    let (status, _) = app
        .get("/api/v1/cultivation/expiring?months=0", &zone)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .get("/api/v1/cultivation/pool?from=2020&to=2019", &zone)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lists_of_the_example_as_the_application_computes_them_within_scope() {
    let app = example_app().await;
    let store = app.store.as_ref();
    let hierarchy = store.hierarchy().await.unwrap();
    let zone = app.login("zone").await;
    let park = app.login("park").await;
    let filer = app.login("filer").await;
    let lanbai = hierarchy.unit_by_code("LB").unwrap().id;
    let lagging = hierarchy.unit_by_code(LAGGING).unwrap().id;

    // The candidates of the zone are the application's list, criterion by criterion.
    let (status, list) = app
        .get(
            "/api/v1/cultivation/candidates?tier=high_tech&year=2023&distance=0.2",
            &zone,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let staff = Principal {
        user_id: 0,
        username: "zone".into(),
        role: Role::ZoneStaff,
        binding: Binding::Unit(lanbai),
    };
    let expected =
        innozone_app::cultivation::candidates(store, &hierarchy, &staff, Tier::HighTech, 2023, 0.2)
            .await
            .unwrap();
    let entries = list["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert_eq!(entries.len(), expected.entries.len());
    for (got, want) in entries.iter().zip(&expected.entries) {
        assert_eq!(got["enterprise_id"], want.enterprise.0);
        assert_eq!(got["status"], want.status);
        assert_eq!(
            got["criteria"].as_array().unwrap().len(),
            want.criteria.len()
        );
        for (g, w) in got["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&want.criteria)
        {
            assert_eq!(g["text_zh"], w.text_zh);
            assert_eq!(g["outcome"], w.outcome);
        }
    }

    // Park staff get only enterprises located in their park at the end of the year.
    let (status, own) = app
        .get(
            "/api/v1/cultivation/candidates?tier=tech_sme&year=2023",
            &park,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let end = Period::Year(2023).last_day();
    let tree = hierarchy.as_of(end);
    let in_park: HashSet<EnterpriseId> = store
        .located_on(end)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, p, _)| tree.path(*p).contains(&lagging))
        .map(|(e, _, _)| e)
        .collect();
    let listed = own["entries"].as_array().unwrap();
    assert!(!listed.is_empty());
    for e in listed {
        let id = EnterpriseId(e["enterprise_id"].as_i64().unwrap());
        assert!(in_park.contains(&id), "{e}");
    }

    // The pool of 兰白: each year's count of every tier is the number of holders located
    // in the zone on 31 December; seed 001's 200 innovative enterprises are a target.
    let (status, pool) = app
        .get("/api/v1/cultivation/pool?unit=LB&from=2018&to=2020", &zone)
        .await;
    assert_eq!(status, StatusCode::OK, "{pool}");
    assert_eq!(pool["years"].as_array().unwrap().len(), 3);
    for y in pool["years"].as_array().unwrap() {
        let year = y["year"].as_i64().unwrap() as i32;
        let end = Period::Year(year).last_day();
        let tree = hierarchy.as_of(end);
        let inside: HashSet<EnterpriseId> = store
            .located_on(end)
            .await
            .unwrap()
            .into_iter()
            .filter(|(_, p, _)| tree.path(*p).contains(&lanbai))
            .map(|(e, _, _)| e)
            .collect();
        let held = store.recognitions_on(end).await.unwrap();
        for t in y["tiers"].as_array().unwrap() {
            let tier = Tier::parse(t["tier"].as_str().unwrap()).unwrap();
            let count = held
                .iter()
                .filter(|(e, x)| *x == tier && inside.contains(e))
                .count();
            assert_eq!(t["count"], count, "{year} {tier:?}");
        }
    }
    let innovative = pool["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tier"] == "innovative_sme")
        .expect("the innovative enterprises' target");
    let row = innovative["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["year"] == 2020 && r["baseline"] == false)
        .unwrap();
    assert_eq!(row["target"], 200.0);

    // The zone's pool is not the park's to read; the filer reads no list.
    let (status, _) = app.get("/api/v1/cultivation/pool?unit=LB", &park).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for path in [
        "/api/v1/cultivation/candidates?tier=high_tech",
        "/api/v1/cultivation/warnings?tier=high_tech",
        "/api/v1/cultivation/pool",
    ] {
        let (status, _) = app.get(path, &filer).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }

    // Expiring within six months of 1 March 2025: every certificate in the window, the
    // park's only its own park's.
    let (status, soon) = app
        .get(
            "/api/v1/cultivation/expiring?from=2025-03-01&months=6",
            &zone,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{soon}");
    assert_eq!(soon["to"], "2025-09-01");
    let certificates = soon["certificates"].as_array().unwrap();
    assert!(!certificates.is_empty());
    for c in certificates {
        let expires = c["recognition"]["expires_on"].as_str().unwrap();
        assert!(("2025-03-01"..="2025-09-01").contains(&expires), "{c}");
    }
    let (_, theirs) = app
        .get(
            "/api/v1/cultivation/expiring?from=2025-03-01&months=6",
            &park,
        )
        .await;
    for c in theirs["certificates"].as_array().unwrap() {
        assert_eq!(c["park"], LAGGING, "{c}");
    }

    // The ladder in force: the shipped one installed as version 1, nine tiers.
    let (status, ladder) = app.get("/api/v1/cultivation/ladder", &zone).await;
    assert_eq!(status, StatusCode::OK, "{ladder}");
    assert_eq!(ladder["tiers"].as_array().unwrap().len(), Tier::ALL.len());
    let high_tech = ladder["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tier"] == "high_tech")
        .unwrap();
    assert_eq!(high_tech["valid_years"], 3);

    // One enterprise's 2023 against the ladder: the revenue criteria of 瞪羚企业 (at least
    // 10 million yuan) and 龙头企业 (at least 1 billion), and 科技型中小企业's employees (at
    // most 500), judged as tiers.toml says on the enterprise's approved filing.
    let form = store
        .forms()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.code == "torch_annual")
        .unwrap();
    let counted = store
        .counted_filings("torch_annual", Period::Year(2023), false)
        .await
        .unwrap();
    let mut judged = 0;
    for c in counted.iter().step_by(97).take(12) {
        let version = store
            .form("torch_annual", c.form_version)
            .await
            .unwrap()
            .unwrap_or_else(|| form.clone());
        let value = |field: &str| c.values.0[version.field_index(field).unwrap()];
        let (status, checks) = app
            .get(
                &format!(
                    "/api/v1/enterprises/{}/tier-checks?year=2023",
                    c.enterprise.0
                ),
                &zone,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{checks}");
        assert_eq!(checks["filed"][0], true);
        let outcome = |tier: &str, criterion: &str| -> Value {
            let t = checks["tiers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["tier"] == tier)
                .unwrap();
            t["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["code"] == criterion)
                .unwrap()
                .clone()
        };
        if let Some(revenue) = value("revenue") {
            let gazelle = outcome("gazelle", "revenue");
            let want = if revenue >= 10_000.0 { "met" } else { "missed" };
            assert_eq!(gazelle["outcome"], want, "{revenue}");
            assert_eq!(gazelle["measure"], revenue);
            let leading = outcome("leading", "revenue");
            let want = if revenue >= 1_000_000.0 {
                "met"
            } else {
                "missed"
            };
            assert_eq!(leading["outcome"], want, "{revenue}");
            judged += 1;
        }
        if let Some(employees) = value("employees") {
            let want = if employees <= 500.0 { "met" } else { "missed" };
            assert_eq!(outcome("tech_sme", "employees")["outcome"], want);
        }
    }
    assert!(judged > 5, "{judged}");

    // The filer sees its own enterprise's checks on its page, not another's.
    let (_, mine) = app.get("/api/v1/enterprises", &filer).await;
    let own_id = mine["items"][0]["id"].as_i64().unwrap();
    let (status, html) = page(
        &app,
        &format!("/cultivation/enterprises/{own_id}/checks?year=2023"),
        &filer,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<tr data-tier=").count(), Tier::ALL.len());
    let other = counted
        .iter()
        .map(|c| c.enterprise.0)
        .find(|id| *id != own_id)
        .unwrap();
    let (status, _) = app
        .get(&format!("/api/v1/enterprises/{other}/tier-checks"), &filer)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
