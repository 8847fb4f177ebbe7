use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use innozone_app::accounts::authenticate;
use innozone_app::clock::now_unix;
use innozone_i18n::Lang;
use serde::Deserialize;

use crate::auth::{CurrentUser, MaybeUser, same_origin, session_cookie, start_session};
use crate::error::{WebError, login_message};
use crate::language::{LANG_COOKIE, Language};
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    message: Option<String>,
    next: String,
    username: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths, so that the log-in page cannot send anyone elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

pub async fn form(
    Language(lang): Language,
    MaybeUser(user): MaybeUser,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    if user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let page = LoginPage {
        chrome: Chrome::new(lang, None, ""),
        message: None,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    Language(lang): Language,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    if !same_origin(&headers) {
        return Err(WebError::Csrf);
    }
    let next = safe_next(f.next.as_deref());
    match authenticate(state.store(), &f.username, &f.password, now_unix()).await {
        Ok(user) => {
            let (token, _) = start_session(&state, user.id).await?;
            let target = if user.must_change_password {
                "/account".to_string()
            } else {
                next
            };
            let mut response = Redirect::to(&target).into_response();
            let cookie = session_cookie(&state, &token, crate::auth::SESSION_SECONDS);
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))?,
            );
            Ok(response)
        }
        Err(innozone_app::accounts::LoginError::Store(e)) => Err(WebError::from(e)),
        Err(e) => {
            let message = login_message(&e, lang);
            let status = WebError::Login(std::sync::Arc::new(e)).status();
            let page = LoginPage {
                chrome: Chrome::new(lang, None, ""),
                message: Some(message),
                next,
                username: f.username,
            };
            Ok((status, render(&page)?).into_response())
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    innozone_app::accounts::sign_out(state.store(), &user.token_hash).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert("HX-Redirect", HeaderValue::from_static("/login"));
    let cookie = session_cookie(&state, "", 0);
    h.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(response)
}

/// Sets the language cookie and goes back where the user was.
pub async fn switch_language(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()));
    let mut response = Redirect::to(&safe_next(back.as_deref())).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
