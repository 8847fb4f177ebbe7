//! Log-in, lock-out, bearer tokens and cookie sessions with their CSRF token.

use innozone_app::clock::now_unix;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{PASSWORD, TestApp, send};

#[tokio::test]
async fn log_in_returns_a_token_that_identifies_the_user() {
    let app = TestApp::spawn().await;
    let r = app.login_response("park", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["user"]["username"], "park");
    assert_eq!(body["user"]["role"], "park_staff");
    assert_eq!(body["user"]["unit_code"], crate::support::PARK_A);
    assert!(
        body["user"].get("password_hash").is_none(),
        "never the hash: {body}"
    );
    assert!(body["expires_at"].as_i64().unwrap() > now_unix());
    assert!(!body["csrf_token"].as_str().unwrap().is_empty());

    let token = body["token"].as_str().unwrap();
    let (status, me) = app.get("/api/v1/me", token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["username"], "park");
    assert_eq!(me["permissions"]["imports"], true);
    assert_eq!(me["permissions"]["reads_audit"], false);
    assert_eq!(me["csrf_token"], body["csrf_token"]);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_are_refused_alike() {
    let app = TestApp::spawn().await;
    for (user, password) in [
        ("park", "Wrong-password-1"),
        ("nobody", PASSWORD),
        ("x", PASSWORD),
    ] {
        let (status, body) = send(
            app.request(Method::POST, "/api/v1/sessions", None)
                .json(&json!({"username": user, "password": password})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{user}: {body}");
        assert_eq!(body["error"], "bad_credentials");
    }
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/sessions", None)
            .json(&json!({"username": "park"})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a body without a password: {body}"
    );
    assert_eq!(body["error"], "bad_request");
}

#[tokio::test]
async fn five_failures_lock_the_account_until_the_lock_passes() {
    let app = TestApp::spawn().await;
    for attempt in 1..=4 {
        let r = app.login_response("zone", "Wrong-password-1").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/sessions", None)
            .json(&json!({"username": "zone", "password": "Wrong-password-1"})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the fifth failure locks: {body}"
    );
    assert_eq!(body["error"], "locked");

    // While locked even the right password is refused.
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/sessions", None)
            .json(&json!({"username": "zone", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "locked");
    let stored = app.store.user(app.user_ids["zone"]).await.unwrap().unwrap();
    assert!(
        stored.locked_until.unwrap() > now_unix() + 60,
        "locked for minutes, not seconds"
    );

    // The lock is a point in time: once it has passed, the right password works again.
    // The store keeps no clock, so the lock is moved into the past instead of waiting.
    app.store
        .record_login_failure(app.user_ids["zone"], Some(now_unix() - 1))
        .await
        .unwrap();
    let r = app.login_response("zone", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let stored = app.store.user(app.user_ids["zone"]).await.unwrap().unwrap();
    assert_eq!(stored.failed_logins, 0, "a success clears the count");
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_loses_its_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let evaluator = app.login("evaluator").await;
    let id = app.user_ids["evaluator"];
    let update = json!({"display_name": "停用", "role": "evaluator", "unit_code": crate::support::PARK_A, "active": false});
    let (status, body) = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &admin,
            &update,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    let (status, _) = app.get("/api/v1/me", &evaluator).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = send(
        app.request(Method::POST, "/api/v1/sessions", None)
            .json(&json!({"username": "evaluator", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "disabled");
}

#[tokio::test]
async fn signing_out_ends_the_token() {
    let app = TestApp::spawn().await;
    let token = app.login("leader").await;
    let (status, _) =
        send(app.request(Method::DELETE, "/api/v1/sessions/current", Some(&token))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get("/api/v1/me", &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthenticated");
    let (status, _) = app.get("/api/v1/me", "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bearer_tokens_need_no_csrf_but_cookie_sessions_do() {
    let app = TestApp::spawn().await;
    let new_user = |name: &str| json!({"username": name, "display_name": "园区员工", "role": "park_staff", "unit_code": crate::support::PARK_A});

    // A bearer token is not sent by browsers on their own, so it needs no CSRF token.
    let bearer = app.login("admin").await;
    let (status, body) = app
        .send_json(
            Method::POST,
            "/api/v1/users",
            &bearer,
            &new_user("by.bearer"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // A browser session: the log-in page sets the cookie.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = browser
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_redirection(),
        "the log-in page accepts: {}",
        r.status()
    );
    let (status, me) = send(browser.get(app.url("/api/v1/me"))).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "reading with the cookie needs no CSRF token: {me}"
    );
    let csrf = me["csrf_token"].as_str().unwrap().to_string();

    let (status, body) = send(
        browser
            .post(app.url("/api/v1/users"))
            .json(&new_user("by.cookie")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "csrf");
    let (status, body) = send(
        browser
            .post(app.url("/api/v1/users"))
            .header("X-CSRF-Token", "forged")
            .json(&new_user("by.cookie")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "csrf");
    assert!(
        app.store
            .user_by_username(&innozone_domain::accounts::Username::parse("by.cookie").unwrap())
            .await
            .unwrap()
            .is_none(),
        "nothing was created"
    );

    let (status, body) = send(
        browser
            .post(app.url("/api/v1/users"))
            .header("X-CSRF-Token", &csrf)
            .json(&new_user("by.cookie")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["username"], "by.cookie");
    assert!(
        body["password"].as_str().unwrap().len() >= 10,
        "a generated password is shown once: {body}"
    );
}
