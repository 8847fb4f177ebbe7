//! The 一区多园 registry (登记): the unit tree and each unit's page, enterprises, and the
//! import and export of both as xlsx and CSV.

mod enterprises;
pub(super) mod transfer;
mod units;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(units::tree))
        .route("/units/{code}", get(units::page).post(units::update))
        .route("/units/{code}/children", post(units::create_child))
        .route("/enterprises", get(enterprises::list))
        .route(
            "/enterprises/{id}",
            get(enterprises::page).post(enterprises::update),
        )
        .route("/transfer", get(transfer::page))
        .route("/transfer/import/{what}", post(transfer::import))
        .route("/transfer/export/{file}", get(transfer::export))
        .route("/transfer/template/{file}", get(transfer::template))
}
