//! First start: the built-in example for an empty store, and the first administrator.

use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::Dataset;
use innozone_store::{Actor, ImportSummary, NewUser, Progress, Store};

use crate::AppError;
use crate::accounts::{generate_password, hash_password};

/// Loads `dataset` if the registry is empty. Returns what was loaded, or `None` when the
/// store already held data.
pub async fn load_if_empty(
    store: &dyn Store,
    dataset: impl FnOnce() -> Dataset,
    progress: Progress<'_>,
) -> Result<Option<ImportSummary>, AppError> {
    if !store.is_empty().await? {
        return Ok(None);
    }
    let data = dataset();
    Ok(Some(
        store
            .load_dataset(&data, &Actor::system(), progress)
            .await?,
    ))
}

/// The credentials of an administrator made on first start, shown once.
#[derive(Debug, Clone)]
pub struct FirstAdministrator {
    pub username: String,
    pub password: String,
}

/// Creates the administrator `admin` with a random password when the store has no user
/// at all. The password must be changed at first log-in.
pub async fn ensure_administrator(
    store: &dyn Store,
) -> Result<Option<FirstAdministrator>, AppError> {
    if !store.list_users().await?.is_empty() {
        return Ok(None);
    }
    let password = generate_password();
    let user = NewUser {
        username: Username::parse("admin").expect("valid"),
        display_name: "系统管理员".to_string(),
        role: Role::Administrator,
        binding: Binding::Everything,
        password_hash: hash_password(&password).await?,
        must_change_password: true,
    };
    store.create_user(&user, &Actor::system()).await?;
    Ok(Some(FirstAdministrator {
        username: "admin".to_string(),
        password: password.expose().to_string(),
    }))
}
