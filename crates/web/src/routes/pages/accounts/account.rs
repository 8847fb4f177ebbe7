//! The signed-in user's own account: who they are, their node, and changing the password
//! (required after a first log-in or a reset).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use innozone_domain::accounts::Password;
use serde::Deserialize;

use crate::auth::SignedIn;
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

/// The one page an account that must change its password may open.
pub async fn page(
    Language(lang): Language,
    SignedIn(user): SignedIn,
) -> Result<Response, WebError> {
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

/// Changes one's own password: the account's other sessions end, this one goes on.
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    if f.new != f.confirm {
        return Err(WebError::BadRequest(Problem::Key(
            "account.mismatch",
            vec![],
        )));
    }
    let new = Password::parse(&f.new, &user.user.username)
        .map_err(|e| WebError::from(innozone_app::AppError::Credential(e)))?;
    innozone_app::accounts::change_own_password(
        state.store(),
        state.hashes(),
        &user.principal,
        &user.token_hash,
        &f.current,
        &new,
    )
    .await?;
    redirect_htmx("/")
}
