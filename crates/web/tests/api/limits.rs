//! The limits of an upload and of a search, as a client meets them: a body over the upload
//! limit is refused with 413 naming the limit (API and pages, in the user's language), a
//! file over the read limits too, a file with more problems than are listed gives the first
//! of them and how many there are, and an over-long search text is refused with 422.

use innozone_app::limits::{Limits, ReadLimits};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PARK_A, TestApp, credit_code, is_chinese, send, wrong_check_character};

const MIB: usize = 1024 * 1024;

/// An upload limit of 1 MB and a sheet of at most 2,000 rows: small enough to pass in a
/// test, large enough for the seeded registry's files.
fn small_limits() -> Limits {
    Limits {
        upload_bytes: MIB as u64,
        read: ReadLimits {
            rows: 2_000,
            ..ReadLimits::DEFAULT
        },
    }
}

const HEADER: &str = "credit_code,name,industry_code,size_class,registration_type,park_code";

/// An enterprises CSV of `rows` new enterprises, each with a wrong check character in its
/// credit code: one problem per row.
fn bad_rows(rows: u32) -> String {
    let mut csv = format!("{HEADER}\n");
    for n in 0..rows {
        csv.push_str(&format!(
            "{},坏代码有限公司,6511,规下,私营企业,{PARK_A}\n",
            wrong_check_character(&credit_code(10_000 + n))
        ));
    }
    csv
}

fn file(bytes: Vec<u8>, name: &str) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()))
}

/// A CSV a little over 1 MB, valid but for its size.
fn over_a_megabyte() -> Vec<u8> {
    let mut csv = format!("{HEADER}\n").into_bytes();
    while csv.len() < MIB + MIB / 2 {
        csv.extend_from_slice(
            format!(
                "{},大文件有限公司,6511,规下,私营企业,{PARK_A}\n",
                credit_code(1)
            )
            .as_bytes(),
        );
    }
    csv
}

#[tokio::test]
async fn a_body_over_the_upload_limit_is_refused_with_413_naming_the_limit() {
    let app = TestApp::spawn_with_limits(small_limits()).await;
    let admin = app.login("admin").await;
    let before = app.counts(&admin).await;

    // The API, in Chinese (the default) and in English.
    let (status, body) = send(
        app.request(
            Method::POST,
            "/api/v1/imports/enterprises?dry_run=true",
            Some(&admin),
        )
        .multipart(file(over_a_megabyte(), "大.csv")),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"], "too_large", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(is_chinese(message) && message.contains("1 MB"), "{message}");
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/imports/enterprises", Some(&admin))
            .header("Accept-Language", "en")
            .multipart(file(over_a_megabyte(), "big.csv")),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(
        body["message"],
        "The upload is too large: at most 1 MB is accepted at once."
    );

    // A JSON import and a definition's text are bodies like any other.
    let rows: Vec<Value> = (0..20_000)
        .map(|n| json!({"credit_code": credit_code(n), "name": "大批量有限公司"}))
        .collect();
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/enterprises", &admin, &json!(rows))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["message"].as_str().unwrap().contains("1 MB"), "{body}");
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/forms", Some(&admin))
            .header("Content-Type", "text/plain")
            .body("#".repeat(MIB + 1)),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    // The page's upload, as htmx sends it: the error fragment says the same.
    let r = app
        .request(Method::POST, "/transfer/import/enterprises", Some(&admin))
        .header("HX-Request", "true")
        .multipart(file(over_a_megabyte(), "大.csv").text("mode", "check"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = r.text().await.unwrap();
    assert!(html.contains("上传内容过大：一次最多接受 1 MB。"), "{html}");

    // Nothing was imported, and a file within the limit is taken as before.
    assert_eq!(app.counts(&admin).await, before);
    let (status, body) = send(
        app.request(
            Method::POST,
            "/api/v1/imports/enterprises?dry_run=true",
            Some(&admin),
        )
        .multipart(file(bad_rows(3).into_bytes(), "小.csv")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["issues_total"], 3, "{body}");
}

#[tokio::test]
async fn a_file_over_the_read_limits_is_refused_with_413_naming_the_limit() {
    let app = TestApp::spawn_with_limits(small_limits()).await;
    let admin = app.login("admin").await;
    // Under the upload limit, over the rows a sheet may have.
    let csv = bad_rows(2_500).into_bytes();
    assert!(csv.len() < MIB);
    let (status, body) = send(
        app.request(
            Method::POST,
            "/api/v1/imports/enterprises?dry_run=true",
            Some(&admin),
        )
        .header("Accept-Language", "en")
        .multipart(file(csv.clone(), "rows.csv")),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"], "too_large");
    assert_eq!(
        body["message"],
        "rows.csv: the file has more than 2,000 rows, the most read at once; split it into smaller files."
    );
    // The page's upload reads through the same limits.
    let r = app
        .request(Method::POST, "/transfer/import/enterprises", Some(&admin))
        .multipart(file(csv, "行.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = r.text().await.unwrap();
    assert!(html.contains("超过 2,000 行"), "{html}");
}

#[tokio::test]
async fn more_problems_than_are_listed_give_the_first_and_the_total() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csv = bad_rows(1_500);

    let (status, body) = send(
        app.request(
            Method::POST,
            "/api/v1/imports/enterprises?dry_run=true",
            Some(&admin),
        )
        .header("Accept-Language", "en")
        .multipart(file(csv.clone().into_bytes(), "bad.csv")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let issues = body["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1_000, "the first thousand are listed");
    assert_eq!(body["issues_total"], 1_500, "{}", body["message"]);
    // In the file's order: rows 2 to 1,001.
    assert_eq!(issues[0]["row"], 2);
    assert_eq!(issues[999]["row"], 1_001);
    assert_eq!(
        body["message"],
        "1,500 problem(s) found; nothing was changed. Showing the first 1,000 of 1,500 problems."
    );

    // The page lists the same thousand and says how many there are.
    let r = app
        .request(Method::POST, "/transfer/import/enterprises", Some(&admin))
        .multipart(file(csv.into_bytes(), "坏.csv").text("mode", "check"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("发现 1,500 处问题：（仅列出前 1,000 个，共 1,500 个。）"),
        "{html}"
    );
    assert_eq!(
        html.matches(r#"<td class="nowrap">"#).count(),
        1_000,
        "a thousand problems listed"
    );
}

#[tokio::test]
async fn an_over_long_search_is_refused_with_422() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    // SQLite refuses a LIKE pattern over 50,000 bytes, which the platform answered with
    // 503 as if the database were down.
    let long = "x".repeat(50_000);
    let (status, body) = app
        .get(&format!("/api/v1/enterprises?q={long}"), &admin)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "bad_request");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("50,000") && message.contains("200"),
        "{message}"
    );
    // The export takes the list's filters, and the same bound.
    let (status, _) = app
        .get(&format!("/api/v1/exports/enterprises.csv?q={long}"), &admin)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The page too.
    let r = app
        .request(
            Method::GET,
            &format!("/enterprises?q={}", "x".repeat(201)),
            Some(&admin),
        )
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The search text is too long (201 characters): at most 200 characters."),
        "{html}"
    );
    // Two hundred characters are searched for.
    let (status, body) = app
        .get(
            &format!("/api/v1/enterprises?q={}", "甲".repeat(200)),
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 0);
}
