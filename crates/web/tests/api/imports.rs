//! Imports, JSON and files: all or nothing, every issue located, dry runs that write
//! nothing, and an audit entry with before and after for every change.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PARK_A, PARK_B, TestApp, credit_code, send, wrong_check_character};

fn new_firm(code: &str, park: &str) -> Value {
    json!({
        "credit_code": code,
        "name": "新设科技有限公司",
        "industry_code": "6511",
        "size_class": "规上",
        "registration_type": "有限责任公司",
        "park_code": park,
        "located_since": "2024-05-01",
    })
}

/// Every issue names its row (the array index plus one) and its field, and nothing else.
fn assert_located(body: &Value) -> Vec<(u64, String)> {
    assert_eq!(body["error"], "invalid_input", "{body}");
    let issues = body["issues"].as_array().expect("issues");
    assert!(!issues.is_empty());
    issues
        .iter()
        .map(|i| {
            assert!(
                i["sheet"].is_null() && i["column"].is_null(),
                "a JSON body has no sheet or column: {i}"
            );
            assert!(
                !i["message"].as_str().unwrap().is_empty()
                    && !i["location"].as_str().unwrap().is_empty(),
                "{i}"
            );
            (
                i["row"].as_u64().expect("a row"),
                i["field"].as_str().expect("a field").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_bad_enterprise_import_is_refused_whole_with_located_issues() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let before = app.counts(&admin).await;

    let good = credit_code(100);
    let rows = json!([
        new_firm(&good, PARK_A),
        new_firm(&wrong_check_character(&credit_code(101)), PARK_A),
        new_firm(&credit_code(102), "NO-SUCH-PARK"),
    ]);
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/enterprises", &admin, &rows)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Every problem at once: the malformed code (found when the rows are read) and the
    // unknown park (found when they are checked against the registry).
    assert_eq!(
        assert_located(&body),
        vec![(2, "credit_code".to_string()), (3, "park_code".to_string())],
        "{body}"
    );
    assert!(
        body["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("校验位"),
        "{body}"
    );
    assert!(
        body["issues"][1]["message"]
            .as_str()
            .unwrap()
            .contains("NO-SUCH-PARK"),
        "{body}"
    );
    assert_eq!(
        app.counts(&admin).await,
        before,
        "nothing was written, not even the good row"
    );

    // Required values missing and a key that is not a column.
    let (status, body) = app
        .send_json(
            Method::POST,
            "/api/v1/enterprises",
            &admin,
            &json!([{"credit_code": good}]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = assert_located(&body)
        .into_iter()
        .map(|(row, f)| {
            assert_eq!(row, 1);
            f
        })
        .collect();
    for required in [
        "name",
        "industry_code",
        "size_class",
        "registration_type",
        "park_code",
    ] {
        assert!(
            fields.iter().any(|f| f == required),
            "{required} missing from {fields:?}"
        );
    }
    let mut misspelt = new_firm(&good, PARK_A);
    misspelt["park"] = json!(PARK_A);
    let (status, body) = app
        .send_json(
            Method::POST,
            "/api/v1/enterprises",
            &admin,
            &json!([misspelt]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "bad_request");
    assert!(body["message"].as_str().unwrap().contains("park"), "{body}");
    let (status, body) = app
        .send_json(
            Method::POST,
            "/api/v1/enterprises",
            &admin,
            &json!({"rows": []}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an object, not an array: {body}"
    );
    assert_eq!(app.counts(&admin).await, before);
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing_then_the_import_writes_with_audit() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let before = app.counts(&admin).await;
    let created = credit_code(200);
    let a2 = &app.firms["A2"];
    let mut update = new_firm(&a2.credit_code, PARK_A);
    update["name"] = json!(a2.name);
    update["contact_name"] = json!("李娜");
    update["located_since"] = Value::Null;
    let rows = json!([new_firm(&created, PARK_B), update]);

    let (status, body) = app
        .send_json(
            Method::POST,
            "/api/v1/enterprises?dry_run=true",
            &admin,
            &rows,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"dry_run": true, "rows": 2, "created": 1, "updated": 1, "unchanged": 0, "moved": 0})
    );
    assert_eq!(app.counts(&admin).await, before, "a dry run writes nothing");

    let (status, body) = app
        .send_json(Method::POST, "/api/v1/enterprises", &admin, &rows)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"dry_run": false, "rows": 2, "created": 1, "updated": 1, "unchanged": 0, "moved": 0})
    );
    let after = app.counts(&admin).await;
    assert_eq!(after.0, before.0 + 1);
    assert!(
        after.1 >= before.1 + 2,
        "an audit entry per change: {before:?} -> {after:?}"
    );

    // A new enterprise is created, then placed in its park: two entries.
    let (_, log) = app
        .get(
            &format!("/api/v1/audit?entity=enterprise&entity_key={created}"),
            &admin,
        )
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"enterprise.move"), "{log}");
    let entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["action"] == "enterprise.create")
        .expect("a create entry");
    assert_eq!(entry["actor_name"], "admin");
    assert!(entry["before"].is_null());
    assert_eq!(entry["after"]["name"], "新设科技有限公司");

    let (_, log) = app
        .get(
            &format!(
                "/api/v1/audit?entity=enterprise&entity_key={}",
                a2.credit_code
            ),
            &admin,
        )
        .await;
    let entry = &log["items"][0];
    assert_eq!(entry["action"], "enterprise.update", "{log}");
    assert_eq!(entry["before"]["contact_name"], "张伟");
    assert_eq!(entry["after"]["contact_name"], "李娜");

    // Importing the same rows again changes nothing.
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/enterprises", &admin, &rows)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["unchanged"], 2, "{body}");

    let park = app.login("park").await;
    let (_, list) = app
        .get(&format!("/api/v1/enterprises?q={created}"), &park)
        .await;
    assert_eq!(
        list["total"], 0,
        "the new enterprise is in park B, out of park A's sight"
    );
    let (_, list) = app
        .get(&format!("/api/v1/enterprises?q={created}"), &admin)
        .await;
    assert_eq!(list["items"][0]["park_code"], PARK_B);
    assert_eq!(list["items"][0]["park_since"], "2024-05-01");
}

#[tokio::test]
async fn unit_imports_create_units_under_their_parent() {
    let app = TestApp::spawn().await;
    let zone = app.login("zone").await;
    let admin = app.login("admin").await;
    let before = app.counts(&admin).await;
    let rows = json!([
        {"code": "TZ-C", "name_zh": "丙园区", "kind": "park", "parent_code": "TZ", "member_since": "2024-01-01", "leading_industries": ["生物医药", "新材料"]},
        {"code": "TZ-C-1", "name_zh": "丙园一分园", "kind": "分园", "parent_code": "TZ-C", "member_since": "2024-01-01"},
    ]);
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/units?dry_run=true", &zone, &rows)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["created"], 2);
    let (status, _) = app.get("/api/v1/units/TZ-C", &zone).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a dry run creates nothing");

    let (status, body) = app
        .send_json(Method::POST, "/api/v1/units", &zone, &rows)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, unit) = app.get("/api/v1/units/TZ-C-1", &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unit["unit"]["parent_code"], "TZ-C");
    assert_eq!(unit["unit"]["kind"], "sub_park");
    let (_, unit) = app.get("/api/v1/units/TZ-C", &zone).await;
    assert_eq!(
        unit["unit"]["leading_industries"],
        json!(["生物医药", "新材料"])
    );
    let (_, log) = app
        .get("/api/v1/audit?entity=unit&entity_key=TZ-C", &admin)
        .await;
    assert_eq!(log["items"][0]["action"], "unit.create", "{log}");
    assert_eq!(log["items"][0]["actor_name"], "zone");
    assert!(app.counts(&admin).await.1 > before.1);

    // Park staff import, but units are the zone's: each row is refused where it stands.
    let park = app.login("park").await;
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/units", &park, &rows)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        assert_located(&body),
        vec![(1, "code".to_string()), (2, "code".to_string())]
    );
    // A filer imports nothing at all; a bad parent is located.
    let filer = app.login("filer").await;
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/units", &filer, &rows)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let bad = json!([{"code": "TZ-D", "name_zh": "丁园区", "kind": "park", "parent_code": "NOWHERE"}, {"code": "TZ-E", "name_zh": "戊园区", "kind": "村"}]);
    let before = app.counts(&admin).await;
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/units", &admin, &bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        assert_located(&body),
        vec![(1, "parent_code".to_string()), (2, "kind".to_string())],
        "{body}"
    );
    let bad =
        json!([{"code": "TZ-D", "name_zh": "丁园区", "kind": "park", "parent_code": "NOWHERE"}]);
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/units", &admin, &bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(assert_located(&body), vec![(1, "parent_code".to_string())]);
    assert_eq!(app.counts(&admin).await, before);
}

#[tokio::test]
async fn files_import_with_issues_located_in_the_file() {
    let app = TestApp::spawn().await;
    let park = app.login("park").await;
    let admin = app.login("admin").await;
    let before = app.counts(&admin).await;
    let header = "credit_code,name,industry_code,size_class,registration_type,park_code";
    let good = format!(
        "{header}\n{},文件科技有限公司,6511,规下,私营企业,{PARK_A}\n",
        credit_code(300)
    );
    let bad = format!(
        "{header}\n{},坏代码有限公司,6511,规下,私营企业,{PARK_A}\n",
        wrong_check_character(&credit_code(301))
    );
    let upload = |csv: String| {
        Form::new().part(
            "file",
            Part::bytes(csv.into_bytes()).file_name("enterprises.csv"),
        )
    };

    let (status, body) = send(
        app.request(Method::POST, "/api/v1/imports/enterprises", Some(&park))
            .multipart(upload(bad)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let issue = &body["issues"][0];
    assert_eq!(
        (
            issue["row"].as_u64(),
            issue["column"].as_str(),
            issue["field"].as_str()
        ),
        (Some(2), Some("A"), Some("credit_code")),
        "{body}"
    );
    assert_eq!(app.counts(&admin).await, before);

    let (status, body) = send(
        app.request(
            Method::POST,
            "/api/v1/imports/enterprises?dry_run=true",
            Some(&park),
        )
        .multipart(upload(good.clone())),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["dry_run"].as_bool(), body["created"].as_u64()),
        (Some(true), Some(1))
    );
    assert_eq!(app.counts(&admin).await, before);
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/imports/enterprises", Some(&park))
            .multipart(upload(good.clone())),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.counts(&admin).await.0, before.0 + 1);

    // Park staff may not place an enterprise in the other park.
    let other = format!(
        "{header}\n{},越界有限公司,6511,规下,私营企业,{PARK_B}\n",
        credit_code(302)
    );
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/imports/enterprises", Some(&park))
            .multipart(upload(other)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["issues"][0]["field"], "park_code");

    let (status, body) = send(
        app.request(Method::POST, "/api/v1/imports/enterprises", Some(&park))
            .multipart(Form::new().text("mode", "check")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no file: {body}");
    let (status, _) = send(
        app.request(Method::POST, "/api/v1/imports/people", Some(&park))
            .multipart(upload(good)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn exports_and_templates_are_files() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    for path in [
        "/api/v1/templates/units.xlsx",
        "/api/v1/templates/enterprises.xlsx",
        "/api/v1/exports/units.xlsx",
        "/api/v1/exports/enterprises.xlsx",
    ] {
        let r = app
            .request(Method::GET, path, Some(&admin))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml"),
            "{path}"
        );
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment"),
            "{path}"
        );
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK", "{path} is a zip (xlsx)");
    }
    let r = app
        .request(Method::GET, "/api/v1/exports/units.csv", Some(&admin))
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    assert!(csv.contains("(code)") && csv.contains(PARK_B), "{csv}");
    let r = app
        .request(
            Method::GET,
            "/api/v1/exports/enterprises.csv?size=规上&q=甲",
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    assert_eq!(
        csv.lines().filter(|l| !l.trim().is_empty()).count(),
        3,
        "the header and A1, A2: {csv}"
    );
    for path in [
        "/api/v1/templates/units.csv",
        "/api/v1/exports/people.csv",
        "/api/v1/exports/units.pdf",
    ] {
        let (status, body) = app.get(path, &admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["error"], "not_found");
    }
    let public = app.login("public").await;
    let (status, _) = app.get("/api/v1/exports/enterprises.csv", &public).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the public sees no enterprise data"
    );
}

#[tokio::test]
async fn the_survey_flag_is_shown_corrected_filtered_and_checked() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let a2 = &app.firms["A2"];
    let path = format!("/api/v1/enterprises/{}", a2.id);
    let (status, body) = app.get(&path, &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["enterprise"]["in_survey"], json!(true), "{body}");

    // Out of the survey, as a JSON boolean.
    let mut record = app.firm_record("A2", "张伟");
    record["in_survey"] = json!(false);
    let (status, body) = app.send_json(Method::PUT, &path, &admin, &record).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["updated"], json!(1), "{body}");
    let (_, body) = app.get(&path, &admin).await;
    assert_eq!(body["enterprise"]["in_survey"], json!(false), "{body}");

    // Left out, the flag stays as it is.
    record.as_object_mut().unwrap().remove("in_survey");
    let (status, body) = app.send_json(Method::PUT, &path, &admin, &record).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["unchanged"], json!(1), "{body}");

    // The list and the export filter by it, in any spelling of yes and no.
    let (status, out) = app.get("/api/v1/enterprises?in_survey=否", &admin).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["total"], json!(1), "{out}");
    assert_eq!(out["items"][0]["credit_code"], json!(a2.credit_code));
    let (_, surveyed) = app.get("/api/v1/enterprises?in_survey=true", &admin).await;
    assert_eq!(surveyed["total"], json!(2), "{surveyed}");
    let (status, body) = app.get("/api/v1/enterprises?in_survey=maybe", &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("in_survey"),
        "{body}"
    );
    let r = app
        .request(
            Method::GET,
            "/api/v1/exports/enterprises.csv?in_survey=n",
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "the header and A2: {csv}");
    assert!(lines[0].contains("是否入统 (in_survey)"), "{csv}");
    assert!(lines[1].ends_with(",否"), "{csv}");

    // A value that is neither yes nor no is an issue of its field, in the user's language.
    record["in_survey"] = json!("也许");
    let (status, body) = app.send_json(Method::PUT, &path, &admin, &record).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(assert_located(&body), vec![(1, "in_survey".to_string())]);
    let message = body["issues"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("也许") && message.contains("入统"),
        "{body}"
    );
}
