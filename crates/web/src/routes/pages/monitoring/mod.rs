//! Statistical monitoring (统计监测) pages: the dashboard of a zone, district or park
//! (indicator cards against their targets, series with the target path, the units below
//! compared, the warning list), an indicator opened up for one unit (its formula, the
//! units below, break-downs, the enterprises and filings behind it), each downloadable
//! as xlsx. The use cases of `innozone_app::monitoring` decide what the user may see.

mod dashboard;
mod drill;
mod format;

use axum::Router;
use axum::routing::get;
use innozone_domain::reporting::Period;

use crate::error::WebError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitoring", get(dashboard::page))
        .route("/monitoring/dashboard.xlsx", get(dashboard::download))
        .route("/monitoring/indicators/{code}", get(drill::page))
        .route("/monitoring/indicators/{code}/drill.xlsx", get(drill::download))
}

/// A period from a query; one that does not parse is a page that does not exist.
fn parse_period(text: &str) -> Result<Period, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}
