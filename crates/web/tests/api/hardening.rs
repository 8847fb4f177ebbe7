//! What every response and every write carries against misuse: the security headers,
//! pages without inline script, 409 for a request made against a state that has moved on,
//! what an enterprise filer may change on its own record, and imports that say nothing
//! about enterprises outside the user's scope.

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{PARK_A, PASSWORD, TestApp, send};

fn header<'h>(headers: &'h HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    for (path, token) in [
        ("/login", None),
        ("/api/v1/me", None),
        ("/api/v1/me", Some(admin.as_str())),
        ("/units", Some(admin.as_str())),
        ("/no-such-page", Some(admin.as_str())),
        ("/assets/app.js", None),
    ] {
        let r = app.request(Method::GET, path, token).send().await.unwrap();
        let h = r.headers();
        let policy = header(h, "content-security-policy");
        let scripts = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: no script-src in {policy}"));
        assert_eq!(scripts, "script-src 'self'", "{path}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("object-src 'none'"), "{path}: {policy}");
        assert_eq!(header(h, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(h, "x-content-type-options"), "nosniff", "{path}");
        let cache = header(h, "cache-control");
        if path.starts_with("/assets/") {
            assert!(!cache.contains("no-store"), "{path}: {cache}");
        } else {
            assert_eq!(cache, "no-store", "{path}");
        }
        assert!(
            h.get("strict-transport-security").is_none(),
            "{path}: HSTS over plain HTTP"
        );
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_request_came_over_https() {
    let app = TestApp::spawn().await;
    for (proto, secure) in [(None, false), (Some("https"), true), (Some("http"), false)] {
        let mut request = app.client.post(app.url("/login")).form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("next", "/"),
        ]);
        if let Some(p) = proto {
            request = request.header("x-forwarded-proto", p);
        }
        let r = request.send().await.unwrap();
        assert!(r.status().is_redirection(), "{proto:?}: {}", r.status());
        let cookie = header(r.headers(), SET_COOKIE.as_str()).to_string();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert_eq!(cookie.contains("; Secure"), secure, "{proto:?}: {cookie}");
        assert_eq!(
            r.headers().contains_key("strict-transport-security"),
            secure,
            "{proto:?}"
        );
    }
}

/// The policy forbids inline script, so no template may rely on it: every behaviour is
/// in `assets/app.js`, bound by data attributes.
#[test]
fn no_template_holds_inline_script() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for (i, _) in text.match_indices("<script") {
            let tag = &text[i..text[i..].find('>').map_or(text.len(), |e| i + e)];
            if !tag.contains(" src=") {
                found.push(format!("{name}: inline <script>"));
            }
        }
        if text.contains("hx-on") || text.contains("javascript:") {
            found.push(format!("{name}: hx-on or javascript: URL"));
        }
        // An event handler attribute: a space, "on", letters, "=".
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices(" on") {
            let rest = &bytes[i + 3..];
            let letters = rest.iter().take_while(|b| b.is_ascii_lowercase()).count();
            if letters > 0 && rest.get(letters) == Some(&b'=') {
                found.push(format!(
                    "{name}: handler attribute on{}",
                    String::from_utf8_lossy(&rest[..letters])
                ));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[tokio::test]
async fn a_name_already_taken_is_a_conflict() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let user = json!({"username": "yantan.staff", "display_name": "雁滩", "role": "park_staff", "unit_code": PARK_A, "password": "Gansu-River-2026"});
    let (s, body) = app
        .send_json(Method::POST, "/api/v1/users", &admin, &user)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (s, body) = app
        .send_json(Method::POST, "/api/v1/users", &admin, &user)
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "conflict");
    assert!(
        body["message"].as_str().unwrap().contains("yantan.staff"),
        "{body}"
    );
}

#[tokio::test]
async fn a_filer_keeps_its_contacts_and_cannot_leave_the_survey() {
    let app = TestApp::spawn().await;
    let filer = app.login("filer").await;
    let path = format!("/api/v1/enterprises/{}", app.firms["A1"].id);
    // Leaving the survey (and so the set of enterprises expected to file) is refused at
    // the field, and nothing changes.
    let mut record = app.firm_record("A1", "李娜");
    record["in_survey"] = json!(false);
    record["size_class"] = json!("below_scale");
    let (s, body) = app.send_json(Method::PUT, &path, &filer, &record).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["size_class", "in_survey"], "{body}");
    assert!(
        body["issues"][1]["message"]
            .as_str()
            .unwrap()
            .contains("联系人和联系电话"),
        "{body}"
    );
    let (s, stored) = app.get(&path, &filer).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(stored["enterprise"]["in_survey"], true, "{stored}");
    assert_eq!(
        stored["enterprise"]["size_class"], "above_scale",
        "{stored}"
    );
    // Its contacts are its own to keep.
    let (s, body) = app
        .send_json(Method::PUT, &path, &filer, &app.firm_record("A1", "李娜"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, stored) = app.get(&path, &filer).await;
    assert_eq!(stored["enterprise"]["contact_name"], "李娜", "{stored}");
    // Park staff keep the rest.
    let park = app.login("park").await;
    let (s, body) = app.send_json(Method::PUT, &path, &park, &record).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_import_says_nothing_of_where_an_enterprise_outside_the_scope_is() {
    let app = TestApp::spawn().await;
    let park = app.login("park").await;
    // B1 is registered in park B; park A's staff try to register it in park A.
    let b1 = &app.firms["B1"];
    let csv = format!(
        "统一社会信用代码,企业名称,行业代码,规模,登记注册类型,所在园区代码\n{},{},6511,规上,有限责任公司,{PARK_A}\n",
        b1.credit_code, b1.name
    );
    let (s, body) = send(
        app.request(
            Method::POST,
            "/api/v1/imports/enterprises?dry_run=true",
            Some(&park),
        )
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("enterprises.csv"),
        )),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["issues"][0]["message"].as_str().unwrap();
    assert!(message.contains("不能由您登记或修改"), "{message}");
    assert!(
        !message.contains("TZ-B") && !message.contains("乙园区") && !message.contains("管理范围"),
        "{message}"
    );
}
