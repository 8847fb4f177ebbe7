//! The audit log: every write, who made it, when, and the record before and after.

use axum::Json;
use axum::extract::State;
use innozone_app::accounts::audit_log;
use innozone_store::{AuditEntry, AuditQuery, ReadEntry, ReadQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::error::{ErrorJson, WebError};
use crate::routes::api::{Params, clean, paging};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryBody {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// None for the system itself (the example loader, the first administrator).
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// `entity.verb`: unit.create, enterprise.move, user.update, ...
    #[schema(example = "enterprise.update")]
    pub action: String,
    #[schema(example = "enterprise")]
    pub entity: String,
    /// The record's key: a unit code, a credit code, a user name.
    pub entity_key: String,
    /// The record before the write; none for a creation.
    pub before: Option<serde_json::Value>,
    /// The record after the write.
    pub after: Option<serde_json::Value>,
}

impl From<AuditEntry> for AuditEntryBody {
    fn from(e: AuditEntry) -> Self {
        AuditEntryBody {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            action: e.action,
            entity: e.entity,
            entity_key: e.entity_key,
            before: e.before,
            after: e.after,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditListBody {
    /// How many entries match, over all pages.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    /// Newest first.
    pub items: Vec<AuditEntryBody>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// unit, membership, enterprise, user, dataset
    pub entity: Option<String>,
    /// The record's key, with `entity`: a unit code, a credit code, a user name.
    pub entity_key: Option<String>,
    /// The user name of whoever made the change.
    pub actor: Option<String>,
    /// Entries to skip; 0 when left out.
    pub offset: Option<i64>,
    /// Entries to return, 1 to 500; 50 when left out.
    pub limit: Option<i64>,
}

/// The audit log, newest first. It spans every node, so only administrators read it.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    operation_id = "list_audit_entries",
    tag = "audit",
    params(AuditFilter),
    responses(
        (status = 200, description = "One page of the log", body = AuditListBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Only administrators read the audit log", body = ErrorJson),
        (status = 422, description = "The offset or limit does not parse", body = ErrorJson),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(filter): Params<AuditFilter>,
) -> Result<Json<AuditListBody>, WebError> {
    if !user.principal.may_read_audit() {
        return Err(WebError::Forbidden);
    }
    let (offset, limit) = paging(filter.offset, filter.limit)?;
    let query = AuditQuery {
        entity: clean(&filter.entity),
        entity_key: clean(&filter.entity_key),
        actor_name: clean(&filter.actor),
        offset,
        limit,
    };
    let (entries, total) = audit_log(state.store(), &user.principal, &query).await?;
    Ok(Json(AuditListBody {
        total,
        offset,
        limit,
        items: entries.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadEntryBody {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub user_id: i64,
    pub username: String,
    pub enterprise_id: i64,
    /// The enterprise's name and credit code as they are now; none if it was deleted.
    pub enterprise_name: Option<String>,
    pub credit_code: Option<String>,
    /// filing, filing_history, filings_export, indicator_drill, tier_check
    #[schema(example = "filing")]
    pub what: String,
    /// Which of it: the form and period, the indicator, unit and period, the year.
    #[schema(example = "TORCH-A 2024")]
    pub detail: String,
}

impl From<ReadEntry> for ReadEntryBody {
    fn from(e: ReadEntry) -> Self {
        ReadEntryBody {
            id: e.id,
            at: e.at,
            user_id: e.user_id,
            username: e.username,
            enterprise_id: e.enterprise_id,
            enterprise_name: e.enterprise_name,
            credit_code: e.credit_code,
            what: e.what,
            detail: e.detail,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadListBody {
    /// How many reads match, over all pages.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    /// Newest first.
    pub items: Vec<ReadEntryBody>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadFilter {
    /// The enterprise read, by its unified social credit code.
    pub credit_code: Option<String>,
    /// The user name of the reader.
    pub reader: Option<String>,
    /// Entries to skip; 0 when left out.
    pub offset: Option<i64>,
    /// Entries to return, 1 to 500; 50 when left out.
    pub limit: Option<i64>,
}

/// The read audit, newest first: who read which enterprise's filing values (pages, API,
/// exports), when and what. Administrators only.
#[utoipa::path(
    get,
    path = "/api/v1/audit/reads",
    operation_id = "list_read_audit_entries",
    tag = "audit",
    params(ReadFilter),
    responses(
        (status = 200, description = "One page of the read audit", body = ReadListBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "Only administrators read the audit", body = ErrorJson),
        (status = 422, description = "The offset or limit does not parse", body = ErrorJson),
    )
)]
pub async fn reads(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(filter): Params<ReadFilter>,
) -> Result<Json<ReadListBody>, WebError> {
    let (offset, limit) = paging(filter.offset, filter.limit)?;
    let query = ReadQuery {
        credit_code: clean(&filter.credit_code),
        username: clean(&filter.reader),
        offset,
        limit,
    };
    let (entries, total) =
        innozone_app::audit::reads(state.store(), &user.principal, &query).await?;
    Ok(Json(ReadListBody {
        total,
        offset,
        limit,
        items: entries.into_iter().map(Into::into).collect(),
    }))
}
