//! Accounts: users, what each is bound to (everything, a unit, an enterprise), and the
//! counters of failed log-ins behind the lock-out.

use async_trait::async_trait;
use innozone_domain::accounts::{Binding, Role, Username};
use serde::Serialize;

use crate::{Actor, StoreResult};

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates a user; `Duplicate` (entity `user`) when the name is taken. The user's
    /// `created_at` is the actor's time.
    async fn create_user(&self, user: &NewUser, actor: &Actor) -> StoreResult<UserRecord>;
    async fn user(&self, id: i64) -> StoreResult<Option<UserRecord>>;
    async fn user_by_username(&self, username: &Username) -> StoreResult<Option<UserRecord>>;
    /// Every user, ordered by name.
    async fn list_users(&self) -> StoreResult<Vec<UserRecord>>;
    async fn update_user(
        &self,
        id: i64,
        update: &UserUpdate,
        actor: &Actor,
    ) -> StoreResult<UserRecord>;
    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// Counts a failed log-in; sets the lock when `lock_until` is given. Returns the count.
    async fn record_login_failure(&self, id: i64, lock_until: Option<i64>) -> StoreResult<i64>;
    /// Clears the failure count and the lock.
    async fn record_login_success(&self, id: i64) -> StoreResult<()>;
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
    pub password_hash: String,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i64,
    /// Unix seconds until which log-in is refused.
    pub locked_until: Option<i64>,
    pub must_change_password: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
    pub active: bool,
}
