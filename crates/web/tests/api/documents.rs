//! The OpenAPI document, and messages in the caller's language.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PARK_A, TestApp, credit_code, is_chinese, send, wrong_check_character};

/// Every route of `routes/api/mod.rs`, with its methods.
const ROUTES: [(&str, &[&str]); 38] = [
    ("/api/v1/sessions", &["post"]),
    ("/api/v1/sessions/current", &["delete"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/me/password", &["put"]),
    ("/api/v1/units", &["get", "post"]),
    ("/api/v1/units/{code}", &["get"]),
    ("/api/v1/enterprises", &["get", "post"]),
    ("/api/v1/enterprises/{id}", &["get", "put"]),
    ("/api/v1/imports/{what}", &["post"]),
    ("/api/v1/exports/{file}", &["get"]),
    ("/api/v1/templates/{file}", &["get"]),
    ("/api/v1/users", &["get", "post"]),
    ("/api/v1/users/{id}", &["patch"]),
    ("/api/v1/audit", &["get"]),
    ("/api/v1/audit/reads", &["get"]),
    ("/api/v1/forms", &["get", "post"]),
    ("/api/v1/forms/{code}", &["get"]),
    ("/api/v1/forms/{code}/periods", &["get", "post"]),
    ("/api/v1/forms/{code}/periods/{period}/close", &["post"]),
    (
        "/api/v1/forms/{code}/periods/{period}/completeness",
        &["get"],
    ),
    ("/api/v1/forms/{code}/periods/{period}/uploads", &["post"]),
    (
        "/api/v1/filings/{form}/{period}/{credit_code}",
        &["get", "put"],
    ),
    ("/api/v1/filings/{id}/actions", &["post"]),
    ("/api/v1/filings/{id}/revisions", &["get"]),
    ("/api/v1/monitoring/catalogue", &["get", "post"]),
    ("/api/v1/monitoring/values", &["get"]),
    ("/api/v1/monitoring/statistics", &["get", "put"]),
    ("/api/v1/evaluation/schemes", &["get"]),
    ("/api/v1/evaluation/runs", &["get", "post"]),
    ("/api/v1/evaluation/runs/{id}", &["get"]),
    ("/api/v1/evaluation/inputs", &["put"]),
    ("/api/v1/cultivation/ladder", &["get"]),
    ("/api/v1/cultivation/candidates", &["get"]),
    ("/api/v1/cultivation/warnings", &["get"]),
    ("/api/v1/cultivation/pool", &["get"]),
    ("/api/v1/cultivation/expiring", &["get"]),
    ("/api/v1/enterprises/{id}/recognitions", &["get", "post"]),
    ("/api/v1/enterprises/{id}/tier-checks", &["get"]),
];

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = serde_json::from_str(&r.text().await.unwrap()).expect("the document is JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    for (path, methods) in ROUTES {
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing from the document"));
        for method in methods {
            let op = item
                .get(*method)
                .unwrap_or_else(|| panic!("{method} {path} is missing"));
            let responses = op["responses"].as_object().unwrap();
            if path != "/api/v1/sessions" {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} documents 401"
                );
            }
        }
    }
    let documented: usize = paths.values().map(|i| i.as_object().unwrap().len()).sum();
    let routed: usize = ROUTES.iter().map(|(_, m)| m.len()).sum();
    assert_eq!(
        documented, routed,
        "the document has no operation that is not routed"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in [
        "ErrorJson",
        "IssueJson",
        "EnterpriseBody",
        "UnitOverviewBody",
        "ImportReportBody",
        "UserBody",
        "AuditEntryBody",
        "FormBody",
        "FilingBody",
        "RevisionBody",
        "CompletenessBody",
        "SchemeBody",
        "RunBody",
        "CandidateListBody",
        "PoolBody",
        "EnterpriseLadderBody",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/sessions"]["post"]["security"],
        json!([{}]),
        "log-in needs no token"
    );

    // Every documented path answers (not the router's plain 404 fallback).
    let admin = app.login("admin").await;
    for path in [
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/enterprises",
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/audit/reads",
    ] {
        let (status, _) = app.get(path, &admin).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (status, body) = app.get("/api/v1/nothing-here", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"], "not_found",
        "unknown API paths answer in JSON too"
    );
}

#[tokio::test]
async fn messages_are_chinese_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let token = app.login("admin").await;

    let (status, zh) = send(app.request(Method::GET, "/api/v1/me", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, en) = send(
        app.request(Method::GET, "/api/v1/me", None)
            .header("Accept-Language", "en"),
    )
    .await;
    assert_eq!(
        zh["error"], en["error"],
        "the code does not depend on the language"
    );
    assert!(is_chinese(zh["message"].as_str().unwrap()), "{zh}");
    assert!(
        !is_chinese(en["message"].as_str().unwrap())
            && !en["message"].as_str().unwrap().contains("error."),
        "{en}"
    );

    let (_, zh) = send(
        app.request(Method::POST, "/api/v1/sessions", None)
            .json(&json!({"username": "admin", "password": "Wrong-password-1"})),
    )
    .await;
    let (_, en) = send(
        app.request(Method::POST, "/api/v1/sessions", None)
            .header("Accept-Language", "en-US,en;q=0.9")
            .json(&json!({"username": "admin", "password": "Wrong-password-1"})),
    )
    .await;
    assert!(is_chinese(zh["message"].as_str().unwrap()), "{zh}");
    assert!(
        !is_chinese(en["message"].as_str().unwrap())
            && !en["message"].as_str().unwrap().contains("login."),
        "{en}"
    );

    let (_, zh) = app.get("/api/v1/enterprises?limit=9999", &token).await;
    assert_eq!(zh["message"], "limit 应在 1 到 500 之间，实际为 9999");
    let (_, en) = send(
        app.request(Method::GET, "/api/v1/enterprises?limit=9999", Some(&token))
            .header("Accept-Language", "en"),
    )
    .await;
    assert_eq!(en["message"], "limit must be between 1 and 500; it is 9999");

    let rows = json!([{"credit_code": wrong_check_character(&credit_code(1)), "name": "某公司", "industry_code": "6511", "size_class": "规上", "registration_type": "私营企业", "park_code": PARK_A}]);
    let (status, zh) = app
        .send_json(Method::POST, "/api/v1/enterprises", &token, &rows)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, en) = send(
        app.request(Method::POST, "/api/v1/enterprises", Some(&token))
            .header("Accept-Language", "en")
            .json(&rows),
    )
    .await;
    let (zh_issue, en_issue) = (&zh["issues"][0], &en["issues"][0]);
    assert!(
        zh_issue["message"].as_str().unwrap().contains("校验位"),
        "{zh}"
    );
    assert!(
        en_issue["message"]
            .as_str()
            .unwrap()
            .contains("Wrong check character"),
        "{en}"
    );
    assert_eq!(zh_issue["location"], "第 1 行（统一社会信用代码）");
    assert!(
        en_issue["location"].as_str().unwrap().starts_with("Row 1"),
        "{en}"
    );
    assert!(!is_chinese(en["message"].as_str().unwrap()), "{en}");
}
