//! Server-rendered pages.

mod account;
mod audit;
mod cultivation_candidates;
mod cultivation_checks;
mod cultivation_ladder;
mod cultivation_pool;
mod enterprises;
mod evaluation;
mod evaluation_report;
mod evaluation_setup;
mod login;
mod monitoring;
mod recognitions;
mod reports;
mod transfer;
mod units;
mod users;

use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};

use crate::auth::CurrentUser;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::switch_language))
        .route(
            "/account",
            get(account::page).post(account::change_password),
        )
        .route("/units", get(units::tree))
        .route("/units/{code}", get(units::page).post(units::update))
        .route("/units/{code}/children", post(units::create_child))
        .route("/enterprises", get(enterprises::list))
        .route(
            "/enterprises/{id}",
            get(enterprises::page).post(enterprises::update),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::page).post(users::update))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/audit", get(audit::list))
        .route("/transfer", get(transfer::page))
        .route("/transfer/import/{what}", post(transfer::import))
        .route("/transfer/export/{file}", get(transfer::export))
        .route("/transfer/template/{file}", get(transfer::template))
        .merge(reports::router())
        .merge(monitoring::router())
        .merge(evaluation::router())
        .merge(evaluation_report::router())
        .merge(evaluation_setup::router())
        .merge(recognitions::router())
        .merge(cultivation_candidates::router())
        .merge(cultivation_checks::router())
        .merge(cultivation_ladder::router())
        .merge(cultivation_pool::router())
}

/// The start page depends on who you are: filers go to their enterprise, everybody else
/// to the tree of their part of the zone.
async fn home(user: CurrentUser) -> Redirect {
    use innozone_domain::accounts::Binding;
    if user.user.must_change_password {
        return Redirect::to("/account");
    }
    match user.principal.binding {
        // A filer comes to file: the reports, with its own filings on them.
        Binding::Enterprise(_) => Redirect::to("/reports"),
        _ => Redirect::to("/units"),
    }
}
