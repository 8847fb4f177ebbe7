//! The user's language: the `iz_lang` cookie, else the browser's Accept-Language, else
//! Chinese.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use innozone_i18n::Lang;

pub const LANG_COOKIE: &str = "iz_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language(pub Lang);

pub fn language_of(parts: &Parts) -> Lang {
    let from_cookie = parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| Lang::parse(v));
    from_cookie
        .or_else(|| {
            parts
                .headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Language(language_of(parts)))
    }
}
