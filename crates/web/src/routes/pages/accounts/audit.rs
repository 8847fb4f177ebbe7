//! The audit log: every write, who made it, when, and what changed.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use innozone_store::{AuditEntry, AuditQuery};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, grouped, render};

const PAGE_SIZE: i64 = 50;

/// One field that differs between the record before and after a write.
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

fn show(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields that changed, for objects; the whole values otherwise.
pub fn changes(entry: &AuditEntry) -> Vec<Change> {
    match (&entry.before, &entry.after) {
        (Some(serde_json::Value::Object(b)), Some(serde_json::Value::Object(a))) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| Change {
                    field: k.clone(),
                    before: show(b.get(k)),
                    after: show(a.get(k)),
                })
                .collect()
        }
        (b, a) => vec![Change {
            field: String::new(),
            before: show(b.as_ref()),
            after: show(a.as_ref()),
        }],
    }
}

pub struct EntryView {
    pub at: String,
    pub entry: AuditEntry,
    pub changes: Vec<Change>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<EntryView>,
    total: String,
    page: i64,
    pages: i64,
    entity: String,
    actor: String,
}

#[derive(Deserialize)]
pub struct AuditParams {
    entity: Option<String>,
    actor: Option<String>,
    page: Option<i64>,
}

pub fn entry_views(entries: Vec<AuditEntry>) -> Vec<EntryView> {
    entries
        .into_iter()
        .map(|e| EntryView {
            at: innozone_app::clock::format_unix(e.at),
            changes: changes(&e),
            entry: e,
        })
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(p): Query<AuditParams>,
) -> Result<Response, WebError> {
    if !user.principal.may_read_audit() {
        return Err(WebError::Forbidden);
    }
    let page = p.page.unwrap_or(1).max(1);
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let query = AuditQuery {
        entity: clean(&p.entity),
        entity_key: None,
        actor_name: clean(&p.actor),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let (entries, total) =
        innozone_app::accounts::audit_log(state.store(), &user.principal, &query).await?;
    let view = AuditPage {
        chrome: Chrome::new(lang, Some(&user), "audit"),
        entries: entry_views(entries),
        total: grouped(total),
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        entity: query.entity.unwrap_or_default(),
        actor: query.actor_name.unwrap_or_default(),
    };
    Ok(render(&view)?.into_response())
}
