//! Server-rendered pages.

mod accounts;
mod cultivation;
mod definitions;
mod evaluation;
mod monitoring;
mod registry;
mod reporting;

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(accounts::router())
        .merge(registry::router())
        .merge(reporting::router())
        .merge(monitoring::router())
        .merge(evaluation::router())
        .merge(cultivation::router())
}

/// The start page depends on who you are: filers go to their enterprise, everybody else
/// to the tree of their part of the zone. (An account that must change its password is
/// sent to do so by `CurrentUser`, as from every page.)
async fn home(user: CurrentUser) -> Redirect {
    use innozone_domain::accounts::Binding;
    match user.principal.binding {
        // A filer comes to file: the reports, with its own filings on them.
        Binding::Enterprise(_) => Redirect::to("/reports"),
        _ => Redirect::to("/units"),
    }
}
