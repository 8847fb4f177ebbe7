//! The signed-in user's own account: who they are, their node, and changing the password
//! (required after a first log-in or a reset).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use innozone_app::clock::today;
use innozone_domain::accounts::Password;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, redirect_htmx, render};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    must_change: bool,
}

pub async fn page(Language(lang): Language, user: CurrentUser) -> Result<Response, WebError> {
    let page = AccountPage {
        chrome: Chrome::new(lang, Some(&user), "account"),
        must_change: user.user.must_change_password,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    if f.new != f.confirm {
        return Err(WebError::BadRequest(Problem::Key(
            "account.mismatch",
            vec![],
        )));
    }
    let new = Password::parse(&f.new)
        .map_err(|e| WebError::from(innozone_app::AppError::Credential(e)))?;
    let tree = state.hierarchy().await?.as_of(today());
    match innozone_app::accounts::set_password(
        state.store(),
        &user.principal,
        &tree,
        user.user.id,
        Some(&f.current),
        &new,
    )
    .await
    {
        Ok(()) => redirect_htmx("/"),
        Err(innozone_app::AppError::Forbidden) => Err(WebError::BadRequest(Problem::Key(
            "account.wrong_current",
            vec![],
        ))),
        Err(e) => Err(e.into()),
    }
}
