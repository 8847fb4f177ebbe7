//! Log-in, lock-out, bearer tokens and cookie sessions with their CSRF token; the
//! hardening of log-in: answers that tell nothing, back-off, the bounded password pool,
//! redirects that stay on the site, sessions ended by a password change, and accounts
//! that must change their password first.

use innozone_app::accounts::{HashPool, LOCK_SECONDS, LoginGuard, Throttle, throttle::Backoff};
use innozone_app::clock::now_unix;
use innozone_i18n::Lang;
use innozone_store::Lockout;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, send};

/// A server whose back-off never holds anyone up, for tests of what it answers.
fn without_backoff() -> LoginGuard {
    let never = Backoff {
        free: 10_000,
        first_wait: 1,
        max_wait: 1,
        forget_after: 1,
    };
    LoginGuard {
        hashes: HashPool::for_this_machine(),
        throttle: Throttle::new(never, never),
    }
}

/// The answer to a log-in through the API from `client`.
async fn answer(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> (StatusCode, Value) {
    send(
        client
            .post(app.url("/api/v1/sessions"))
            .json(&json!({"username": username, "password": password})),
    )
    .await
}

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
    let app = TestApp::spawn_with_guard(without_backoff()).await;
    let mut answers = Vec::new();
    for _ in 1..=5 {
        answers.push(answer(&app, &app.client, "zone", "Wrong-password-1").await);
    }
    let stored = app.store.user(app.user_ids["zone"]).await.unwrap().unwrap();
    assert!(
        stored.locked_until.unwrap() > now_unix() + 60,
        "the fifth failure locks for minutes, not seconds"
    );
    // While locked even the right password is refused, in the very words of a wrong one.
    answers.push(answer(&app, &app.client, "zone", PASSWORD).await);
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body, &answers[0].1);
    }
    assert_eq!(answers[0].1["error"], "bad_credentials");

    // The lock is a point in time: once it has passed, the right password works again.
    // The store keeps no clock, so the lock is moved into the past instead of waiting.
    let id = app.user_ids["zone"];
    let past = Lockout {
        max_failures: 1,
        until: now_unix() - 1,
    };
    app.store
        .record_login_failure(id, now_unix() + LOCK_SECONDS + 1, past)
        .await
        .unwrap();
    let r = app.login_response("zone", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let stored = app.store.user(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.failed_logins, stored.locked_until),
        (0, None),
        "a success clears the count"
    );
}

/// Unknown names, locked accounts and disabled ones get the status and body of a wrong
/// password, so that nobody learns which names exist, nor that a password was right.
#[tokio::test]
async fn unknown_locked_and_disabled_accounts_answer_exactly_like_a_wrong_password() {
    let app = TestApp::spawn_with_guard(without_backoff()).await;
    let admin = app.login("admin").await;
    let wrong = answer(&app, &app.client, "park", "Wrong-password-1").await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED, "{}", wrong.1);
    assert_eq!(wrong.1["error"], "bad_credentials");

    assert_eq!(answer(&app, &app.client, "nobody", PASSWORD).await, wrong);

    let id = app.user_ids["evaluator"];
    let off = json!({"display_name": "停用", "role": "evaluator", "unit_code": crate::support::PARK_A, "active": false});
    let (status, body) = app
        .send_json(Method::PATCH, &format!("/api/v1/users/{id}"), &admin, &off)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        answer(&app, &app.client, "evaluator", PASSWORD).await,
        wrong,
        "disabled"
    );

    for _ in 0..5 {
        assert_eq!(
            answer(&app, &app.client, "zone", "Wrong-password-1").await,
            wrong
        );
    }
    let zone = app.store.user(app.user_ids["zone"]).await.unwrap().unwrap();
    assert!(zone.locked_until.is_some());
    assert_eq!(
        answer(&app, &app.client, "zone", PASSWORD).await,
        wrong,
        "locked, with the right password"
    );

    // An unknown name past the same threshold answers as the locked account does.
    for _ in 0..6 {
        assert_eq!(
            answer(&app, &app.client, "ghost", "Wrong-password-1").await,
            wrong
        );
    }
    assert_eq!(answer(&app, &app.client, "ghost", PASSWORD).await, wrong);
}

/// Failures make first the name, whichever address tries it and whether it exists, and
/// then the address, whatever names it tries, wait: 429 with `Retry-After`.
#[tokio::test]
async fn repeated_failures_make_the_name_and_the_address_wait() {
    let per_client = Backoff {
        free: 4,
        first_wait: 600,
        max_wait: 600,
        forget_after: 3600,
    };
    let per_name = Backoff {
        free: 2,
        ..per_client
    };
    let app = TestApp::spawn_with_guard(LoginGuard {
        hashes: HashPool::for_this_machine(),
        throttle: Throttle::new(per_client, per_name),
    })
    .await;
    let assert_waits = |r: &reqwest::Response, what: &str| {
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{what}");
        let seconds: i64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=600).contains(&seconds), "{what}: {seconds}");
    };
    for (n, name) in [(1, "park"), (2, "nobody")] {
        let client = app.client_from(n);
        for _ in 0..3 {
            let (status, _) = answer(&app, &client, name, "Wrong-password-1").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let elsewhere = app.client_from(n + 10);
        let r = elsewhere
            .post(app.url("/api/v1/sessions"))
            .json(&json!({"username": name, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_waits(&r, name);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "throttled", "{body}");
    }

    let guesser = app.client_from(3);
    for name in ["a1", "a2", "a3", "a4", "a5"] {
        let (status, _) = answer(&app, &guesser, name, "Wrong-password-1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let r = guesser
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_waits(&r, "the address");
    // The log-in page says so too, in its own words and with the header.
    let r = guesser
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_waits(&r, "the page");
    let page = r.text().await.unwrap();
    let says = Lang::ZhCn.t("login.throttled");
    let says = says.split("%{seconds}").next().unwrap();
    assert!(page.contains(says), "{page}");
    // Another address signs the same account in.
    let (status, body) = answer(&app, &app.client_from(4), "admin", PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// The issue's memory lever: 64 log-ins at once on a fresh server. The passwords are
/// hashed by as many workers as the machine has cores with a short queue; the surplus is
/// refused at once (429 `busy`, `Retry-After`) instead of each taking 19 MiB.
#[tokio::test]
async fn a_flood_of_log_ins_is_refused_beyond_the_password_pool() {
    let app = TestApp::spawn().await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let request = app
            .client
            .post(app.url("/api/v1/sessions"))
            .json(&json!({"username": "park", "password": PASSWORD}));
        attempts.spawn(async move {
            let r = request.send().await.unwrap();
            let retry_after = r.headers().get("retry-after").cloned();
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            (status, retry_after, body)
        });
    }
    let (mut signed_in, mut busy) = (0, 0);
    while let Some(done) = attempts.join_next().await {
        let (status, retry_after, body) = done.unwrap();
        match status {
            StatusCode::CREATED => signed_in += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(body["error"], "busy", "{body}");
                assert!(retry_after.is_some(), "Retry-After is sent");
                busy += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(signed_in >= 1, "the pool works");
    assert!(busy >= 1, "the surplus is refused: {signed_in} signed in");
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
    assert_eq!(
        body["error"], "bad_credentials",
        "said as for a wrong password"
    );
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

/// A browser signed in through the log-in page: its client keeps the cookie, and the
/// session's CSRF token.
async fn browser_session(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (reqwest::Client, String) {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = browser
        .post(app.url("/login"))
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "signed in: {}", r.status());
    let (status, me) = send(browser.get(app.url("/api/v1/me"))).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    (browser, csrf)
}

/// Changing one's password ends the account's other sessions — tokens and cookies —
/// and keeps the one that changed it; a manager's reset ends them all.
#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let laptop = app.login("park").await;
    let phone = app.login("park").await;
    let (browser, _) = browser_session(&app, "park", PASSWORD).await;
    let other_user = app.login("zone").await;

    let change = json!({"current": PASSWORD, "new": "Yanta-Shuju#2026"});
    let (status, body) = app
        .send_json(Method::PUT, "/api/v1/me/password", &laptop, &change)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = app.get("/api/v1/me", &laptop).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the session that changed it goes on"
    );
    let (status, body) = app.get("/api/v1/me", &phone).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = send(browser.get(app.url("/api/v1/me"))).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the cookie session ended too"
    );
    let (status, _) = app.get("/api/v1/me", &other_user).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another user's session is left alone"
    );
    assert_eq!(
        app.login_response("park", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // The same through the page, with a cookie session: the bearer token ends.
    let (browser, csrf) = browser_session(&app, "park", "Yanta-Shuju#2026").await;
    let r = browser
        .post(app.url("/account"))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", &csrf)
        .form(&[
            ("current", "Yanta-Shuju#2026"),
            ("new", "Yanta-Tongji#2027"),
            ("confirm", "Yanta-Tongji#2027"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/v1/me", &laptop).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(browser.get(app.url("/api/v1/me"))).await;
    assert_eq!(status, StatusCode::OK);

    // An administrator's reset ends every session of the account.
    let admin = app.login("admin").await;
    let id = app.user_ids["park"];
    let r = app
        .request(Method::POST, &format!("/users/{id}/password"), Some(&admin))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, _) = send(browser.get(app.url("/api/v1/me"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// An account with a one-time password can change it and sign out, and nothing else:
/// its token is refused with 403 `must_change_password` by the API, and its pages send
/// it to the change page.
#[tokio::test]
async fn an_account_that_must_change_its_password_can_do_nothing_else() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let new_admin =
        json!({"username": "second.admin", "display_name": "第二管理员", "role": "administrator"});
    let (status, created) = app
        .send_json(Method::POST, "/api/v1/users", &admin, &new_admin)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let one_time = created["password"].as_str().unwrap().to_string();
    let r = app.login_response("second.admin", &one_time).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["user"]["must_change_password"], true);
    let token = session["token"].as_str().unwrap().to_string();

    let another =
        json!({"username": "third.admin", "display_name": "第三管理员", "role": "administrator"});
    let (status, body) = app
        .send_json(Method::POST, "/api/v1/users", &token, &another)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "must_change_password");
    assert_eq!(body["message"], Lang::ZhCn.t("account.must_change"));
    for path in [
        "/api/v1/enterprises",
        "/api/v1/users",
        "/api/v1/me",
        "/api/v1/audit",
    ] {
        let (status, body) = app.get(path, &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_eq!(body["error"], "must_change_password", "{path}");
    }
    for path in ["/", "/units", "/enterprises", "/users", "/reports"] {
        let r = app
            .request(Method::GET, path, Some(&token))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{path}: {}", r.status());
        assert_eq!(r.headers()["location"], "/account", "{path}");
    }
    let r = app
        .request(Method::GET, "/units", Some(&token))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["hx-redirect"],
        "/account",
        "htmx is sent there too"
    );
    let r = app
        .request(Method::GET, "/account", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the change page opens");

    // Signing out is allowed.
    let spare = app.login_response("second.admin", &one_time).await;
    let spare: Value = spare.json().await.unwrap();
    let spare = spare["token"].as_str().unwrap();
    let (status, _) =
        send(app.request(Method::DELETE, "/api/v1/sessions/current", Some(spare))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // A weak new password is refused with the policy's words; a good one is taken.
    let weak = json!({"current": one_time, "new": "Password12"});
    let (status, body) = app
        .send_json(Method::PUT, "/api/v1/me/password", &token, &weak)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["message"],
        Lang::ZhCn.t("err.credential.password_common")
    );
    let wrong = json!({"current": "not-the-password", "new": "Gansu-Zone#2026"});
    let (status, body) = app
        .send_json(Method::PUT, "/api/v1/me/password", &token, &wrong)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["message"], Lang::ZhCn.t("account.wrong_current"));
    let good = json!({"current": one_time, "new": "Gansu-Zone#2026"});
    let (status, body) = app
        .send_json(Method::PUT, "/api/v1/me/password", &token, &good)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, body) = app
        .send_json(Method::POST, "/api/v1/users", &token, &another)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app.get("/api/v1/enterprises", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Changed: the start page, the desk, opens.
    let r = app
        .request(Method::GET, "/", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("工作台"));
}

/// The log-in page of an account with a one-time password leads to the change page, and
/// every other page sends it back there.
#[tokio::test]
async fn a_one_time_password_leads_the_browser_to_the_change_page() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let filer = json!({"username": "new.filer", "display_name": "填报员", "role": "enterprise_filer", "credit_code": app.firms["A1"].credit_code});
    let (status, created) = app
        .send_json(Method::POST, "/api/v1/users", &admin, &filer)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let one_time = created["password"].as_str().unwrap();
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = browser
        .post(app.url("/login"))
        .form(&[
            ("username", "new.filer"),
            ("password", one_time),
            ("next", "/reports"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/account");
    for path in ["/reports", "/units", "/login?next=/reports"] {
        let r = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/account", "{path}");
    }
    let r = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// The password policy where accounts are made: common passwords, those with a few
/// characters added, and those holding the user name are refused with the policy's
/// message in the user's language; a good one is taken.
#[tokio::test]
async fn weak_passwords_are_refused_when_accounts_are_made() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let account = |password: &str| json!({"username": "yanta.staff", "display_name": "园区员工", "role": "park_staff", "unit_code": crate::support::PARK_A, "password": password});
    for (password, key) in [
        ("Password12", "err.credential.password_common"),
        ("1234567890a", "err.credential.password_common"),
        ("P@ssw0rd2026", "err.credential.password_common"),
        ("Yanta.Staff-2026", "err.credential.password_username"),
        ("short-1", "err.credential.password_short"),
    ] {
        for lang in [Lang::ZhCn, Lang::En] {
            let (status, body) = send(
                app.request(Method::POST, "/api/v1/users", Some(&admin))
                    .header("Accept-Language", lang.code())
                    .json(&account(password)),
            )
            .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{password}: {body}"
            );
            let message = body["message"].as_str().unwrap();
            let expected = lang.t(key);
            let expected = expected.split("%{").next().unwrap();
            assert!(
                message.starts_with(expected),
                "{password} {lang:?}: {message}"
            );
        }
    }
    let (status, body) = app
        .send_json(
            Method::POST,
            "/api/v1/users",
            &admin,
            &account("Gansu-Zone#2026"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Where the log-in page and the language switch send the browser: only to a path of
/// this site. Every form a browser reads as another host goes to the start page; a
/// normal path with its query is kept.
#[tokio::test]
async fn redirects_stay_on_the_site() {
    let app = TestApp::spawn().await;
    let token = app.login("park").await;
    let evil = [
        "/\\evil.example/",
        "/%5Cevil.example/",
        "/%09/evil.example/",
        "//evil.example",
        "https://evil.example",
        "/\t/evil",
    ];
    let cases = evil
        .iter()
        .map(|next| (*next, "/"))
        .chain([("/units/1?x=1", "/units/1?x=1")]);
    for (next, expected) in cases {
        let login = format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
        // Signed in, the log-in page goes straight on.
        let r = app
            .request(Method::GET, &login, Some(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["location"],
            expected,
            "GET /login?next={next:?}"
        );
        // Signed out, the form carries the target on.
        let r = app.request(Method::GET, &login, None).send().await.unwrap();
        let page = r.text().await.unwrap();
        let hidden = format!(r#"name="next" value="{expected}""#);
        assert!(page.contains(&hidden), "GET /login?next={next:?}: {page}");
        // The form posted.
        let r = app
            .request(Method::POST, "/login", None)
            .form(&[("username", "park"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["location"],
            expected,
            "POST /login next={next:?}"
        );
        // The language switch goes back to the Referer's path.
        let referer = if next.starts_with('/') {
            format!("{}{next}", app.base)
        } else {
            next.to_string()
        };
        let r = app
            .request(Method::GET, "/lang/en", None)
            .header("Referer", referer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], expected, "/lang/en from {next:?}");
    }
    // The issue's own request, the backslash percent-encoded in the query.
    let r = app
        .request(Method::GET, "/login?next=/%5Cevil.example/", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
}
