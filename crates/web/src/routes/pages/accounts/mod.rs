//! Accounts (账号): log-in and out, the language switch, one's own password, the users an
//! administrator keeps, and the audit trail.

mod account;
pub(super) mod audit;
mod login;
mod reads;
mod users;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::switch_language))
        .route(
            "/account",
            get(account::page).post(account::change_password),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::page).post(users::update))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/audit", get(audit::list))
        .route("/audit/reads", get(reads::list))
}
