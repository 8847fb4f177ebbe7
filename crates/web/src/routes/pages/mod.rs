//! Server-rendered pages.

mod accounts;
mod cultivation;
mod definitions;
mod desk;
mod evaluation;
mod monitoring;
mod registry;
mod reporting;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(desk::home))
        .merge(accounts::router())
        .merge(registry::router())
        .merge(reporting::router())
        .merge(monitoring::router())
        .merge(evaluation::router())
        .merge(cultivation::router())
}
