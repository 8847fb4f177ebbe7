//! Log-in and log-out for API clients, and who the caller is.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use innozone_app::accounts::{LoginError, change_own_password, log_in, sign_out};
use innozone_app::clock::now_unix;
use innozone_domain::accounts::Password;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::users::{UserBody, describe_user};
use crate::auth::{ClientAddress, CurrentUser, SignedIn, start_session};
use crate::error::{ErrorJson, Problem, WebError};
use crate::routes::api::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "admin")]
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionBody {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is stored.
    pub token: String,
    /// Needed only when the session is used as the `iz_session` cookie: then every request
    /// that changes something carries it in `X-CSRF-Token`.
    pub csrf_token: String,
    /// When the session ends, in unix seconds.
    pub expires_at: i64,
    pub user: UserBody,
}

/// What the signed-in user may do, so that a client shows only what will work.
#[derive(Debug, Serialize, ToSchema)]
pub struct Permissions {
    pub sees_enterprises: bool,
    pub imports: bool,
    pub manages_users: bool,
    pub reads_audit: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeBody {
    pub user: UserBody,
    /// The CSRF token of the current session, for clients that use the session cookie.
    pub csrf_token: String,
    pub permissions: Permissions,
}

/// Signs in. Five wrong passwords in a row lock the account for 15 minutes; while locked
/// even the right password is refused — with the same `bad_credentials` as a wrong one,
/// as are unknown names and disabled accounts. Repeated failures from one address or
/// for one name make the next attempts wait (429 `throttled`, `Retry-After`). If the
/// user must change the password (`user.must_change_password`), the session can only
/// do that (`PUT /api/v1/me/password`) and sign out until then.
#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    operation_id = "create_session",
    tag = "sessions",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 201, description = "Signed in", body = SessionBody),
        (status = 401, description = "`bad_credentials`: wrong user name or password (or an unknown, locked or disabled account, answered alike)", body = ErrorJson),
        (status = 422, description = "The body is not a log-in request", body = ErrorJson),
        (status = 429, description = "`throttled`: too many failed log-ins lately from this address or for this name; or `busy`: too many log-ins at once. Try again after `Retry-After` seconds", body = ErrorJson),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<(StatusCode, Json<SessionBody>), WebError> {
    let user = log_in(
        state.store(),
        &state.login,
        client,
        &request.username,
        &request.password,
        now_unix(),
    )
    .await
    .map_err(|e| match e {
        LoginError::Store(s) => WebError::from(s),
        other => WebError::Login(Arc::new(other)),
    })?;
    let (token, session) = start_session(&state, user.id).await?;
    let hierarchy = state.hierarchy().await?;
    let user = describe_user(state.store(), &hierarchy, &user).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionBody {
            token,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
            user,
        }),
    ))
}

/// Signs out: the session of this request ends.
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    operation_id = "delete_current_session",
    tag = "sessions",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "`csrf`: a cookie session without its X-CSRF-Token header", body = ErrorJson),
    )
)]
pub async fn delete_current(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<StatusCode, WebError> {
    sign_out(state.store(), &user.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user, their node and what they may do.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "show_current_user",
    tag = "sessions",
    responses(
        (status = 200, description = "The signed-in user", body = MeBody),
        (status = 401, description = "Not signed in", body = ErrorJson),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<MeBody>, WebError> {
    let hierarchy = state.hierarchy().await?;
    let p = &user.principal;
    let permissions = Permissions {
        sees_enterprises: p.sees_enterprises(),
        imports: p.may_import(),
        manages_users: p.may_manage_users(),
        reads_audit: p.may_read_audit(),
    };
    let body = describe_user(state.store(), &hierarchy, &user.user).await?;
    Ok(Json(MeBody {
        user: body,
        csrf_token: user.csrf,
        permissions,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    /// The password the account has now.
    pub current: String,
    /// At least 10 characters of at least two kinds (lower case, upper case, digits,
    /// symbols), not containing the user name, not a common password.
    pub new: String,
}

/// Changes the signed-in user's own password. Every other session of the account ends;
/// this one goes on. The one request, besides signing out, that an account which must
/// change its password may make.
#[utoipa::path(
    put,
    path = "/api/v1/me/password",
    operation_id = "change_own_password",
    tag = "sessions",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; the account's other sessions have ended"),
        (status = 401, description = "Not signed in", body = ErrorJson),
        (status = 403, description = "`csrf`: a cookie session without its X-CSRF-Token header", body = ErrorJson),
        (status = 422, description = "The current password is wrong, or the new one does not meet the policy", body = ErrorJson),
        (status = 429, description = "`busy`: too many passwords being checked at once; try again after `Retry-After` seconds", body = ErrorJson),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    JsonBody(request): JsonBody<PasswordChange>,
) -> Result<StatusCode, WebError> {
    let new = Password::parse(&request.new, &user.user.username).map_err(|e| {
        WebError::BadRequest(Problem::App(Arc::new(innozone_app::AppError::Credential(
            e,
        ))))
    })?;
    change_own_password(
        state.store(),
        state.hashes(),
        &user.principal,
        &user.token_hash,
        &request.current,
        &new,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
