//! Evaluation (考核评价): setting it up (schemes, entered values, a brought file), its
//! results (runs, profiles, robustness, the development index) and the annual report.

mod report;
mod results;
pub(super) mod setup;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(results::router())
        .merge(setup::router())
        .merge(report::router())
}
