//! The ladder of tiers over HTTP, on the small test zone with the shipped Torch forms and
//! no ladder installed: the shipped ladder is in force; a file naming a field the form
//! lacks is refused with its line and column in Chinese and nothing is installed; the
//! shipped file as version 2 with one threshold changed installs and is in force; a second
//! version 2 is refused and changes nothing; park staff read but cannot install; filers
//! and the public are refused; a version downloads byte for byte.

use innozone_app::cultivation::ladder_in_force;
use innozone_store::Actor;
use reqwest::{Method, StatusCode};

use crate::support::{TestApp, is_chinese, page, post_form};

/// The shipped file's line with the employee cap of its first quantitative criterion.
const RULE_LINE: &str = "rule = \"employees <= 500\"";
const THRESHOLD_LINE: &str = "threshold = \"500\"";

async fn app_with_forms() -> TestApp {
    let app = TestApp::spawn().await;
    for form in innozone_example::filings::forms() {
        app.store
            .save_form(&form, &Actor::system(innozone_app::clock::now_unix()))
            .await
            .expect("the form is saved");
    }
    app
}

fn shipped() -> &'static str {
    innozone_example::cultivation::TIERS
}

/// Line (from 1) of the first line of `source` that is `text`.
fn line_of(source: &str, text: &str) -> usize {
    source
        .lines()
        .position(|l| l.trim_end() == text)
        .unwrap_or_else(|| panic!("the shipped ladder has {text}"))
        + 1
}

fn version_two() -> String {
    let source = shipped().replacen("version = 1\n", "version = 2\n", 1);
    let source = source.replacen(RULE_LINE, "rule = \"employees <= 600\"", 1);
    let source = source.replacen(THRESHOLD_LINE, "threshold = \"600\"", 1);
    assert_ne!(source, shipped());
    source
}

/// The page's text with `<` as written (askama escapes it as `&#60;`).
fn unescaped(html: &str) -> String {
    html.replace("&#60;", "<").replace("&lt;", "<")
}

async fn versions(app: &TestApp) -> Vec<u32> {
    app.store
        .ladder_versions()
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect()
}

#[tokio::test]
async fn a_bad_file_is_refused_with_its_place_in_chinese_and_nothing_is_installed() {
    let app = app_with_forms().await;
    let zone = app.login("zone").await;
    let line = line_of(shipped(), RULE_LINE);
    let bad = shipped().replacen(RULE_LINE, "rule = \"nonexistent_field > 1\"", 1);
    let expected = format!("认定条件第 {line} 行第 9 列");

    let (status, body, redirect) = post_form(
        &app,
        "/cultivation/ladder/check",
        &zone,
        &[("source", &bad)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(redirect.is_none());
    assert!(body.contains(&expected), "{body}");
    assert!(body.contains("nonexistent_field"), "{body}");
    assert!(body.contains("判定规则"), "{body}");
    assert!(body.contains("未保存任何内容"), "{body}");
    // The line is shown with the character marked.
    assert!(body.contains("<mark>n</mark>onexistent_field"), "{body}");

    let (status, body, redirect) = post_form(
        &app,
        "/cultivation/ladder/install",
        &zone,
        &[("source", &bad)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(redirect.is_none());
    assert!(body.contains(&expected), "{body}");
    assert!(versions(&app).await.is_empty(), "nothing installed");
    let (set, _) = ladder_in_force(app.store.as_ref()).await.unwrap();
    assert_eq!(set.version, 1, "the shipped ladder is still in force");

    // In English when asked.
    let r = app
        .request(Method::POST, "/cultivation/ladder/check", Some(&zone))
        .header("HX-Request", "true")
        .header("Accept-Language", "en")
        .form(&[("source", bad.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(&format!("Ladder, line {line}, column 9")),
        "{body}"
    );
}

#[tokio::test]
async fn a_new_version_installs_once_and_is_in_force() {
    let app = app_with_forms().await;
    let zone = app.login("zone").await;

    // Before: the shipped ladder, said to be shipped.
    let (status, html) = page(&app, "/cultivation/ladder", &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("随软件提供"), "shipped fallback named");
    assert!(unescaped(&html).contains("employees <= 500"));
    assert!(
        html.contains("需审核"),
        "qualitative criteria shown as needing review"
    );
    assert!(
        html.contains("id=\"ladder-form\""),
        "zone staff get the form"
    );

    let two = version_two();
    let (status, body, _) = post_form(
        &app,
        "/cultivation/ladder/check",
        &zone,
        &[("source", &two)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("第 2 版可以安装"), "{body}");
    assert!(versions(&app).await.is_empty(), "a check installs nothing");

    let (status, body, redirect) = post_form(
        &app,
        "/cultivation/ladder/install",
        &zone,
        &[("source", &two)],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(redirect.as_deref(), Some("/cultivation/ladder?installed=2"));
    assert_eq!(versions(&app).await, [2]);
    let (set, form) = ladder_in_force(app.store.as_ref()).await.unwrap();
    assert_eq!((set.version, form.code.as_str()), (2, "torch_annual"));

    let (status, html) = page(&app, "/cultivation/ladder?installed=2", &zone).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已安装第 2 版，现已生效"));
    assert!(html.contains("id=\"ladder-version\">第 2 版"), "{html}");
    assert!(unescaped(&html).contains("employees <= 600"));
    assert!(!unescaped(&html).contains("employees <= 500"));
    assert!(!html.contains("随软件提供"));
    assert!(html.contains("/cultivation/ladder/versions/2.toml"));

    // The same version again: refused, clearly, and nothing changes.
    let again = two.replacen("threshold = \"600\"", "threshold = \"700\"", 1);
    let (status, body, redirect) = post_form(
        &app,
        "/cultivation/ladder/install",
        &zone,
        &[("source", &again)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(redirect.is_none());
    assert!(body.contains("第 2 版不能安装"), "{body}");
    assert!(is_chinese(&body));
    assert_eq!(versions(&app).await, [2]);
    let kept = app.store.ladder_version(2).await.unwrap().unwrap();
    assert_eq!(kept.source, two);

    // The download is the file as installed, byte for byte.
    let r = app
        .request(
            Method::GET,
            "/cultivation/ladder/versions/2.toml",
            Some(&zone),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), two.as_bytes());
    let (status, _) = page(&app, "/cultivation/ladder/versions/3.toml", &zone).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn park_staff_read_but_cannot_install_and_filers_are_refused() {
    let app = app_with_forms().await;
    let admin = app.login("admin").await;
    let (status, body, _) = post_form(
        &app,
        "/cultivation/ladder/install",
        &admin,
        &[("source", &version_two())],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    for reader in ["park", "leader"] {
        let token = app.login(reader).await;
        let (status, html) = page(&app, "/cultivation/ladder", &token).await;
        assert_eq!(status, StatusCode::OK, "{reader}");
        assert!(html.contains("第 2 版"));
        assert!(
            !html.contains("id=\"ladder-form\""),
            "{reader} gets no form"
        );
        let r = app
            .request(
                Method::GET,
                "/cultivation/ladder/versions/2.toml",
                Some(&token),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    let park = app.login("park").await;
    let three = version_two().replacen("version = 2\n", "version = 3\n", 1);
    for path in ["/cultivation/ladder/install", "/cultivation/ladder/check"] {
        let (status, _, redirect) = post_form(&app, path, &park, &[("source", &three)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(redirect.is_none());
    }
    assert_eq!(versions(&app).await, [2]);

    for outsider in ["filer", "public"] {
        let token = app.login(outsider).await;
        let (status, _) = page(&app, "/cultivation/ladder", &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{outsider}");
        let (status, _) = page(&app, "/cultivation/ladder/versions/2.toml", &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{outsider}");
    }
}
