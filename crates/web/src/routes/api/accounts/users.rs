//! Accounts: who may sign in, with which role, bound to which node.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use innozone_app::AppError;
use innozone_app::accounts::{
    Account, NewAccount, bound_account, create_account, managed_accounts, resolve_binding,
    typed_or_generated, update_account,
};
use innozone_app::clock::today;
use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::Hierarchy;

use innozone_store::{Store, UserRecord, UserUpdate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::error::{ErrorJson, Problem, WebError};
use crate::routes::api::{JsonBody, parse_id};
use crate::state::AppState;

/// An account as the API shows it; never its password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// administrator, zone_staff, park_staff, enterprise_filer, leadership, evaluator, public
    #[schema(example = "park_staff")]
    pub role: String,
    /// The node the account is bound to: everything, unit or enterprise.
    #[schema(example = "unit")]
    pub binding: String,
    /// The code of the unit, for a unit binding.
    pub unit_code: Option<String>,
    /// The enterprise, for an enterprise filer.
    pub enterprise_id: Option<i64>,
    pub credit_code: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    /// Unix seconds until which log-in is refused after too many failures.
    pub locked_until: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
}

/// Describes accounts as the API shows them.
pub fn describe_users(hierarchy: &Hierarchy, accounts: &[Account]) -> Vec<UserBody> {
    accounts
        .iter()
        .map(
            |Account {
                 user: u,
                 enterprise,
             }| {
                let (binding, unit_code, enterprise_id, credit_code) = match u.binding {
                    Binding::Everything => ("everything", None, None, None),
                    Binding::Unit(id) => (
                        "unit",
                        hierarchy.unit(id).map(|x| x.code.to_string()),
                        None,
                        None,
                    ),
                    Binding::Enterprise(id) => (
                        "enterprise",
                        None,
                        Some(id.0),
                        enterprise.as_ref().map(|e| e.credit_code.to_string()),
                    ),
                };
                UserBody {
                    id: u.id,
                    username: u.username.to_string(),
                    display_name: u.display_name.clone(),
                    role: u.role.code().to_string(),
                    binding: binding.to_string(),
                    unit_code,
                    enterprise_id,
                    credit_code,
                    active: u.active,
                    must_change_password: u.must_change_password,
                    locked_until: u.locked_until,
                    created_at: u.created_at,
                }
            },
        )
        .collect()
}

pub async fn describe_user(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    user: &UserRecord,
) -> Result<UserBody, WebError> {
    let account = bound_account(store, user.clone()).await?;
    let mut one = describe_users(hierarchy, std::slice::from_ref(&account));
    one.pop()
        .ok_or_else(|| WebError::Internal("an account without a description".into()))
}

/// The accounts the caller manages: administrators all, zone staff those inside their zone.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    operation_id = "list_users",
    tag = "users",
    responses(
        (status = 200, description = "The accounts the caller manages", body = Vec<UserBody>),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller manages no accounts", body = ErrorJson),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<UserBody>>, WebError> {
    if !user.principal.may_manage_users() {
        return Err(WebError::Forbidden);
    }
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let managed = managed_accounts(state.store(), &user.principal, &tree).await?;
    Ok(Json(describe_users(&hierarchy, &managed)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserRequest {
    /// 3 to 32 letters, digits, '.', '_' or '-'.
    #[schema(example = "yantan.staff")]
    pub username: String,
    pub display_name: String,
    #[schema(example = "park_staff")]
    pub role: String,
    /// The unit the account is bound to; leave out for administrators and the public
    /// who see everything.
    pub unit_code: Option<String>,
    /// The enterprise of an enterprise filer.
    pub credit_code: Option<String>,
    /// Leave out to have one generated; it is returned once.
    pub password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUserBody {
    pub user: UserBody,
    /// The generated password, shown only in this answer; absent when one was given.
    /// Either way it must be changed at first log-in.
    pub password: Option<String>,
}

/// The whole account after a change: role and node together, since each decides what
/// the other may be.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUserRequest {
    pub display_name: String,
    #[schema(example = "park_staff")]
    pub role: String,
    pub unit_code: Option<String>,
    pub credit_code: Option<String>,
    /// A deactivated account cannot sign in; its sessions end.
    pub active: bool,
}

fn bad(key: &'static str, args: Vec<(&'static str, String)>) -> WebError {
    WebError::BadRequest(Problem::Key(key, args))
}

fn parse_role(text: &str) -> Result<Role, WebError> {
    Role::parse(text).ok_or_else(|| bad("api.unknown_role", vec![("role", text.to_string())]))
}

fn credential(e: innozone_domain::accounts::CredentialError) -> WebError {
    WebError::from(AppError::Credential(e))
}

/// Creates an account. Administrators create any; zone staff create staff, filers and
/// readers inside their zone.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    operation_id = "create_user",
    tag = "users",
    request_body = NewUserRequest,
    responses(
        (status = 201, description = "Created; the generated password is shown once", body = CreatedUserBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller may not give this role or node (or `csrf`)", body = ErrorJson),
        (status = 404, description = "The bound unit or enterprise does not exist", body = ErrorJson),
        (status = 409, description = "The user name is taken", body = ErrorJson),
        (status = 422, description = "A bad user name, password, role or node", body = ErrorJson),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(request): JsonBody<NewUserRequest>,
) -> Result<(StatusCode, Json<CreatedUserBody>), WebError> {
    if !user.principal.may_manage_users() {
        return Err(WebError::Forbidden);
    }
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let username = Username::parse(&request.username).map_err(credential)?;
    let role = parse_role(&request.role)?;
    let binding = resolve_binding(
        state.store(),
        &hierarchy,
        role,
        request.unit_code.as_deref(),
        request.credit_code.as_deref(),
    )
    .await?;
    let (password, shown) = typed_or_generated(request.password.as_deref(), &username)?;
    let account = NewAccount {
        username,
        display_name: request.display_name.trim().to_string(),
        role,
        binding,
        password,
        must_change_password: true,
    };
    let created = create_account(
        state.store(),
        state.hashes(),
        &user.principal,
        &tree,
        account,
    )
    .await?;
    let body = describe_user(state.store(), &hierarchy, &created).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUserBody {
            user: body,
            password: shown,
        }),
    ))
}

/// Changes an account's name, role, node or whether it is active. A change of role or
/// node, or a deactivation, ends the account's sessions.
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    operation_id = "update_user",
    tag = "users",
    params(("id" = i64, Path, description = "The account's id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The account after the change", body = UserBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "The caller does not manage this account, or may not give this role or node", body = ErrorJson),
        (status = 404, description = "No such account, unit or enterprise", body = ErrorJson),
        (status = 422, description = "A bad role or node", body = ErrorJson),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<UpdateUserRequest>,
) -> Result<Json<UserBody>, WebError> {
    if !user.principal.may_manage_users() {
        return Err(WebError::Forbidden);
    }
    let id = parse_id(&id)?;
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let role = parse_role(&request.role)?;
    let binding = resolve_binding(
        state.store(),
        &hierarchy,
        role,
        request.unit_code.as_deref(),
        request.credit_code.as_deref(),
    )
    .await?;
    let update = UserUpdate {
        display_name: request.display_name.trim().to_string(),
        role,
        binding,
        active: request.active,
    };
    let saved = update_account(state.store(), &user.principal, &tree, id, update).await?;
    Ok(Json(
        describe_user(state.store(), &hierarchy, &saved).await?,
    ))
}
