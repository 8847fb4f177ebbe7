//! User administration: accounts, their role and the node they are bound to.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use innozone_app::accounts::{
    Account, NewAccount, create_account, managed_account, managed_accounts, resolve_binding,
    typed_or_generated, update_account,
};
use innozone_app::clock::today;
use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::{Hierarchy, Tree, Unit};
use innozone_store::{UserRecord, UserUpdate};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub struct UserRow {
    pub user: UserRecord,
    pub node: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<Role>,
    units: Vec<Unit>,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    chrome: Chrome,
    row: UserRow,
    roles: Vec<Role>,
    units: Vec<Unit>,
    unit_code: String,
    credit_code: String,
}

#[derive(Template)]
#[template(path = "user_saved.html")]
struct Saved {
    chrome: Chrome,
    message: String,
    password: Option<String>,
    link: String,
}

fn node_label(hierarchy: &Hierarchy, account: &Account, chrome: &Chrome) -> String {
    match account.user.binding {
        Binding::Everything => chrome.t("users.everything"),
        Binding::Unit(u) => hierarchy
            .unit(u)
            .map(|u| u.name_zh.clone())
            .unwrap_or_else(|| u.to_string()),
        Binding::Enterprise(e) => account
            .enterprise
            .as_ref()
            .map_or_else(|| e.to_string(), |e| e.name.clone()),
    }
}

/// The units a user may bind accounts to.
fn assignable_units(hierarchy: &Hierarchy, tree: &Tree, user: &CurrentUser) -> Vec<Unit> {
    let mut units: Vec<Unit> = hierarchy
        .units()
        .filter(|u| {
            user.principal
                .may_assign(Role::ParkStaff, Binding::Unit(u.id), None, tree)
                || user.principal.role == Role::Administrator
        })
        .cloned()
        .collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    units
}

pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if !user.principal.may_manage_users() {
        return Err(WebError::Forbidden);
    }
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let chrome = Chrome::new(lang, Some(&user), "users");
    let users = managed_accounts(state.store(), &user.principal, &tree)
        .await?
        .into_iter()
        .map(|account| UserRow {
            node: node_label(&hierarchy, &account, &chrome),
            user: account.user,
        })
        .collect();
    let page = UsersPage {
        units: assignable_units(&hierarchy, &tree, &user),
        chrome,
        users,
        roles: Role::ALL.to_vec(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct AccountForm {
    username: Option<String>,
    display_name: String,
    role: String,
    unit: Option<String>,
    credit_code: Option<String>,
    password: Option<String>,
    active: Option<String>,
}

fn bad(key: &'static str) -> WebError {
    WebError::BadRequest(Problem::Key(key, vec![]))
}

async fn binding_from(
    state: &AppState,
    hierarchy: &Hierarchy,
    role: Role,
    f: &AccountForm,
) -> Result<Binding, WebError> {
    Ok(resolve_binding(
        state.store(),
        hierarchy,
        role,
        f.unit.as_deref(),
        f.credit_code.as_deref(),
    )
    .await?)
}

pub async fn create(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Form(f): Form<AccountForm>,
) -> Result<Response, WebError> {
    if !user.principal.may_manage_users() {
        return Err(WebError::Forbidden);
    }
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let username = Username::parse(f.username.as_deref().unwrap_or(""))
        .map_err(|e| WebError::from(innozone_app::AppError::Credential(e)))?;
    let role = Role::parse(&f.role).ok_or_else(|| bad("users.unknown_role"))?;
    let binding = binding_from(&state, &hierarchy, role, &f).await?;
    let (password, shown) = typed_or_generated(f.password.as_deref(), &username)?;
    let account = NewAccount {
        username,
        display_name: f.display_name.trim().to_string(),
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
    let chrome = Chrome::new(lang, Some(&user), "users");
    let page = Saved {
        message: chrome.t1("users.created", "username", &created.username),
        chrome,
        password: shown,
        link: format!("/users/{}", created.id),
    };
    Ok(render(&page)?.into_response())
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let account = managed_account(state.store(), &user.principal, &tree, id).await?;
    let chrome = Chrome::new(lang, Some(&user), "users");
    let node = node_label(&hierarchy, &account, &chrome);
    let Account {
        user: target,
        enterprise,
    } = account;
    let unit_code = match target.binding {
        Binding::Unit(u) => hierarchy
            .unit(u)
            .map(|u| u.code.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let credit_code = match target.binding {
        Binding::Enterprise(_) => enterprise
            .map(|e| e.credit_code.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let page = UserPage {
        units: assignable_units(&hierarchy, &tree, &user),
        chrome,
        row: UserRow { user: target, node },
        roles: Role::ALL.to_vec(),
        unit_code,
        credit_code,
    };
    Ok(render(&page)?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AccountForm>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let role = Role::parse(&f.role).ok_or_else(|| bad("users.unknown_role"))?;
    let binding = binding_from(&state, &hierarchy, role, &f).await?;
    let update = UserUpdate {
        display_name: f.display_name.trim().to_string(),
        role,
        binding,
        active: f.active.is_some(),
    };
    let saved = update_account(state.store(), &user.principal, &tree, id, update).await?;
    let chrome = Chrome::new(lang, Some(&user), "users");
    let page = Saved {
        message: chrome.t1("users.saved", "username", &saved.username),
        chrome,
        password: None,
        link: format!("/users/{id}"),
    };
    Ok(render(&page)?.into_response())
}

/// Sets a new random password, shown once; the user must change it at next log-in, is
/// unlocked, and loses every session.
pub async fn reset_password(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let password = innozone_app::accounts::reset_password(
        state.store(),
        state.hashes(),
        &user.principal,
        &tree,
        id,
    )
    .await?;
    let chrome = Chrome::new(lang, Some(&user), "users");
    let page = Saved {
        message: chrome.t("users.password_reset"),
        chrome,
        password: Some(password.expose().to_string()),
        link: format!("/users/{id}"),
    };
    Ok(render(&page)?.into_response())
}
