//! Statistical monitoring (统计监测) pages: the dashboard of a zone, district or park
//! (indicator cards against their targets, series with the target path, the units below
//! compared, the warning list), an indicator opened up for one unit (its formula, the
//! units below, break-downs, the enterprises and filings behind it), each downloadable
//! as xlsx. The use cases of `innozone_app::monitoring` decide what the user may see.

mod bulletin;
mod catalogue;
mod dashboard;
mod drill;
pub(super) mod format;
mod statistics;
mod targets;

use axum::Router;
use axum::routing::{get, post};
use innozone_app::definitions::{IndicatorCatalogue, Targets};
use innozone_domain::reporting::Period;

use crate::error::WebError;
use crate::routes::pages::definitions;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitoring", get(dashboard::page))
        .route("/monitoring/dashboard.xlsx", get(dashboard::download))
        .route("/monitoring/bulletin", get(bulletin::page))
        .route("/monitoring/bulletin.xlsx", get(bulletin::xlsx))
        .route("/monitoring/bulletin.docx", get(bulletin::docx))
        .route("/monitoring/indicators/{code}", get(drill::page))
        .route(
            "/monitoring/indicators/{code}/drill.xlsx",
            get(drill::download),
        )
        .route(
            "/monitoring/catalogue",
            get(catalogue::page).post(definitions::install::<IndicatorCatalogue>),
        )
        .route(
            "/monitoring/catalogue/check",
            post(definitions::check::<IndicatorCatalogue>),
        )
        .route(
            "/monitoring/catalogue/upload",
            post(definitions::upload::<IndicatorCatalogue>),
        )
        .route(
            "/monitoring/catalogue/versions/{file}",
            get(definitions::download::<IndicatorCatalogue>),
        )
        .route(
            "/monitoring/targets",
            get(targets::page).post(definitions::install::<Targets>),
        )
        .route(
            "/monitoring/targets/check",
            post(definitions::check::<Targets>),
        )
        .route(
            "/monitoring/targets/upload",
            post(definitions::upload::<Targets>),
        )
        .route(
            "/monitoring/targets/versions/{file}",
            get(definitions::download::<Targets>),
        )
        .route(
            "/monitoring/statistics",
            get(statistics::page).post(statistics::save),
        )
        .route("/monitoring/statistics.xlsx", get(statistics::download))
        .route("/monitoring/statistics/history", get(statistics::history))
        .route("/monitoring/statistics/upload", post(statistics::upload))
}

/// A period from a query; one that does not parse is a page that does not exist.
fn parse_period(text: &str) -> Result<Period, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}
