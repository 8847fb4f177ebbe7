//! The headers every response carries to keep a browser from being turned against its
//! user: a Content-Security-Policy without inline script (the pages' behaviour lives in
//! `assets/app.js`, bound by data attributes), no framing, no MIME sniffing, nothing
//! with enterprise data kept in a cache, and cookies marked `Secure` whenever the request
//! came over HTTPS, directly or through a proxy that says so.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Scripts and everything else from this origin only. Styles may be inline: the pages
/// indent tree rows with `style` attributes and ECharts styles its tooltips; a style
/// cannot run code.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The API reference: Redoc draws with styles it injects and parses the document in a
/// worker it starts from a blob.
const REFERENCE_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// Whether the request reached us over HTTPS: TLS in front of the server, told by the
/// standard `Forwarded` header or the common `X-Forwarded-Proto`. A client that lies gets
/// only its own cookies marked `Secure`.
fn over_https(headers: &HeaderMap) -> bool {
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split([';', ','])
                .filter_map(|pair| pair.trim().split_once('='))
                .any(|(k, v)| {
                    k.eq_ignore_ascii_case("proto")
                        && v.trim_matches('"').eq_ignore_ascii_case("https")
                })
        });
    forwarded
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .next()
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
            })
}

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let https = state.secure_cookies || over_https(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = if path == "/api/docs" {
        REFERENCE_POLICY
    } else {
        POLICY
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Pages and API answers may hold enterprise data: never kept by a browser or a proxy.
    // The static assets carry their own caching.
    if !path.starts_with("/assets/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
        mark_cookies_secure(headers);
    }
    response
}

fn mark_cookies_secure(headers: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        let secured = match cookie.to_str() {
            Ok(text)
                if !text
                    .split(';')
                    .any(|part| part.trim().eq_ignore_ascii_case("secure")) =>
            {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
            }
            _ => cookie,
        };
        headers.append(header::SET_COOKIE, secured);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn https_is_read_from_the_proxy_headers() {
        assert!(over_https(&with("x-forwarded-proto", "https")));
        assert!(over_https(&with("x-forwarded-proto", "HTTPS, http")));
        assert!(over_https(&with(
            "forwarded",
            "for=10.0.0.1;proto=https;by=10.0.0.2"
        )));
        assert!(over_https(&with("forwarded", "proto=\"https\"")));
        assert!(!over_https(&with("x-forwarded-proto", "http")));
        assert!(!over_https(&with("forwarded", "for=10.0.0.1;proto=http")));
        assert!(!over_https(&HeaderMap::new()));
    }

    #[test]
    fn cookies_get_secure_once() {
        let mut h = HeaderMap::new();
        h.append(
            header::SET_COOKIE,
            HeaderValue::from_static("a=1; HttpOnly"),
        );
        h.append(header::SET_COOKIE, HeaderValue::from_static("b=2; Secure"));
        mark_cookies_secure(&mut h);
        let cookies: Vec<&str> = h
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(cookies, ["a=1; HttpOnly; Secure", "b=2; Secure"]);
    }
}
