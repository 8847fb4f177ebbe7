//! The router: one module per page or resource.

pub mod api;
pub mod openapi;
mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

use crate::state::AppState;

/// Uploads of a whole zone's enterprises stay well below this.
const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
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
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
