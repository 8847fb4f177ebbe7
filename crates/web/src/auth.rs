//! Sessions and the current user. A session is a random token in an HttpOnly, SameSite
//! cookie (or an `Authorization: Bearer` header for API clients); only its SHA-256 is
//! stored. Requests that change something with a cookie session must carry the session's
//! CSRF token in the `X-CSRF-Token` header (htmx sends it on every request).
//!
//! An account whose password must be changed (a first log-in, a reset) can do nothing
//! else until it has: [`CurrentUser`], which every handler that needs a user takes,
//! refuses it with `MustChangePassword` (pages are sent to the change page, the API
//! answers 403). Only changing the password and signing out take [`SignedIn`] instead.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
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

/// The signed-in user of a request, whatever the state of their password: the session
/// checked (expiry, CSRF, an active account) and kept in the request for later extractors.
async fn signed_in(parts: &mut Parts, state: &AppState) -> Result<CurrentUser, WebError> {
    if let Some(user) = parts.extensions.get::<CurrentUser>() {
        return Ok(user.clone());
    }
    let (token, via_cookie) = presented_token(&parts.headers).ok_or(WebError::Unauthenticated)?;
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

/// The one place where an account that must change its password is stopped: every
/// handler that acts for a user takes `CurrentUser`.
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let current = signed_in(parts, state).await?;
        if current.user.must_change_password {
            return Err(WebError::MustChangePassword);
        }
        Ok(current)
    }
}

/// The signed-in user even while their password must still be changed: taken only by
/// changing the password and by signing out.
#[derive(Debug, Clone)]
pub struct SignedIn(pub CurrentUser);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        signed_in(parts, state).await.map(SignedIn)
    }
}

/// The address a request comes from, which failed log-ins are throttled by: the
/// connection's peer, or behind a reverse proxy ([`AppState::behind_proxy`]) the last
/// address of `X-Forwarded-For`, the one the proxy added. A router driven without a
/// server has neither; its requests share the unspecified address.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = if state.behind_proxy {
            last_forwarded(&parts.headers)
        } else {
            None
        };
        Ok(ClientAddress(
            forwarded
                .or(peer)
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

fn last_forwarded(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()?
        .trim()
        .parse()
        .ok()
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
