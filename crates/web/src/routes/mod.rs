//! The router: one module per page or resource.

pub mod api;
pub mod openapi;
mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    // Every body is read within the upload limit: the extractors refuse a longer one as
    // it streams in, and `files`, `api::JsonBody` and `api::RawBody` answer 413.
    let body_limit = usize::try_from(state.limits.upload_bytes).unwrap_or(usize::MAX);
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::reference))
        .route("/assets/{*path}", get(crate::assets::serve_asset))
        .route("/healthz", get(|| async { "ok" }))
        .layer(axum::middleware::from_fn(crate::error::render_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::security_headers,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
