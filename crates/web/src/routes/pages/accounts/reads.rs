//! The read audit: who read which enterprise's filing values, and when.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use innozone_store::{ReadEntry, ReadQuery};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, grouped, render};

const PAGE_SIZE: i64 = 50;

pub struct ReadView {
    pub at: String,
    pub entry: ReadEntry,
    /// What was read, in the user's language.
    pub what: String,
}

#[derive(Template)]
#[template(path = "audit_reads.html")]
struct ReadsPage {
    chrome: Chrome,
    reads: Vec<ReadView>,
    total: String,
    page: i64,
    pages: i64,
    credit_code: String,
    reader: String,
}

#[derive(Deserialize)]
pub struct ReadsParams {
    credit_code: Option<String>,
    reader: Option<String>,
    page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(p): Query<ReadsParams>,
) -> Result<Response, WebError> {
    let page = p.page.unwrap_or(1).max(1);
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let query = ReadQuery {
        credit_code: clean(&p.credit_code),
        username: clean(&p.reader),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let (entries, total) =
        innozone_app::audit::reads(state.store(), &user.principal, &query).await?;
    let reads = entries
        .into_iter()
        .map(|e| ReadView {
            at: innozone_app::clock::format_unix(e.at),
            what: lang.t(&format!("audit.read.{}", e.what)),
            entry: e,
        })
        .collect();
    let view = ReadsPage {
        chrome: Chrome::new(lang, Some(&user), "audit"),
        reads,
        total: grouped(total),
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        credit_code: query.credit_code.unwrap_or_default(),
        reader: query.username.unwrap_or_default(),
    };
    Ok(render(&view)?.into_response())
}
