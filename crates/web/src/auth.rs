//! Sessions and the current user. A session is a random token in an HttpOnly, SameSite
//! cookie (or an `Authorization: Bearer` header for API clients); only its SHA-256 is
//! stored. Requests that change something with a cookie session must carry the session's
//! CSRF token in the `X-CSRF-Token` header (htmx sends it on every request).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use base64::Engine;
use innozone_app::clock::now_unix;
use innozone_domain::accounts::Principal;
use innozone_store::{SessionRecord, UserRecord};
use sha2::{Digest, Sha256};

use crate::error::WebError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "iz_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const SESSION_SECONDS: i64 = 12 * 3600;

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session for the user and returns the token for the cookie or the client.
pub async fn start_session(
    state: &AppState,
    user_id: i64,
) -> Result<(String, SessionRecord), WebError> {
    let token = random_token();
    let now = now_unix();
    let record = SessionRecord {
        token_hash: token_hash(&token),
        user_id,
        csrf_token: random_token(),
        created_at: now,
        expires_at: now + SESSION_SECONDS,
    };
    state.store().create_session(&record).await?;
    Ok((token, record))
}

pub fn session_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The token the request presents, and whether it came in a cookie.
pub fn presented_token(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(t) = bearer(headers) {
        return Some((t.to_string(), false));
    }
    cookie_value(headers, SESSION_COOKIE).map(|t| (t.to_string(), true))
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: UserRecord,
    pub principal: Principal,
    pub csrf: String,
    pub token_hash: String,
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let (token, via_cookie) =
            presented_token(&parts.headers).ok_or(WebError::Unauthenticated)?;
        let hash = token_hash(&token);
        let session = state
            .store()
            .session(&hash)
            .await?
            .ok_or(WebError::Unauthenticated)?;
        if session.expires_at <= now_unix() {
            state.store().delete_session(&hash).await?;
            return Err(WebError::Unauthenticated);
        }
        if via_cookie && changes_state(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(session.csrf_token.as_str()) {
                return Err(WebError::Csrf);
            }
        }
        let user = state
            .store()
            .user(session.user_id)
            .await?
            .ok_or(WebError::Unauthenticated)?;
        if !user.active {
            return Err(WebError::Unauthenticated);
        }
        let current = CurrentUser {
            principal: innozone_app::accounts::principal_of(&user),
            user,
            csrf: session.csrf_token,
            token_hash: hash,
        };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// The signed-in user if there is one (the log-in page, the public pages).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(u) => Ok(MaybeUser(Some(u))),
            Err(WebError::Unauthenticated) => Ok(MaybeUser(None)),
            Err(e) => Err(e),
        }
    }
}

/// Refuses a cross-site log-in form: when the browser says where the request comes from,
/// it must be this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let origin = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match origin {
        None | Some("null") => true,
        Some(o) => {
            let rest = o.split_once("://").map(|(_, r)| r).unwrap_or(o);
            rest.split('/').next() == Some(host)
        }
    }
}
