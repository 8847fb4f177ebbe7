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
    /// Counts a failed log-in at `now` and decides the lock in one statement, so that
    /// concurrent attempts can neither lose a count nor decide from a stale one: a lock
    /// that has run out by `now` is cleared and the count starts afresh; the count that
    /// reaches `lockout.max_failures` locks the account until `lockout.until`. An
    /// account locked at `now` is left as it is: attempts against a lock are not counted
    /// and do not extend it, so the count stops at exactly `max_failures`. Returns the
    /// count and lock after this failure, `None` when the account was locked.
    async fn record_login_failure(
        &self,
        id: i64,
        now: i64,
        lockout: Lockout,
    ) -> StoreResult<Option<LoginCount>>;
    /// Clears the failure count after a right password, in one statement and only if the
    /// account is not locked at `now`. Returns whether it did: `false` means a lock
    /// (perhaps reached by concurrent attempts since the account was read) stands and the
    /// log-in must be refused.
    async fn record_login_success(&self, id: i64, now: i64) -> StoreResult<bool>;
    /// Clears the failure count and any lock: a manager's reset of the password.
    async fn clear_login_failures(&self, id: i64) -> StoreResult<()>;
}

/// When failed log-ins lock an account, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// The failures in a row that lock the account.
    pub max_failures: i64,
    /// Unix seconds until which the account is locked when this failure locks it.
    pub until: i64,
}

/// The failure count and the lock of an account after a failed log-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginCount {
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
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
