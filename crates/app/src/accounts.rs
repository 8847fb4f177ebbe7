//! Log-in with lock-out, and the management of accounts.

use std::collections::HashMap;
use std::net::IpAddr;

use innozone_domain::accounts::{Binding, Password, Principal, Role, Username};
use innozone_domain::registry::{Enterprise, EnterpriseId, Tree};
use innozone_store::{
    AccountStore, Actor, AuditEntry, AuditQuery, Lockout, NewUser, Store, StoreError, UserRecord,
    UserUpdate,
};

use crate::AppError;

mod hashing;
pub mod throttle;

pub use hashing::{BUSY_RETRY_SECONDS, HashPool};
pub use throttle::Throttle;

/// No account has this id: what an unknown name's log-in is counted against.
const NO_ACCOUNT: i64 = 0;

/// After this many failed log-ins in a row the account is locked for `LOCK_SECONDS`.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCK_SECONDS: i64 = 15 * 60;

/// Hashes a new password on the process's shared pool: for the command line, the first
/// administrator and test fixtures. A server's requests hash on the server's own pool.
pub async fn hash_password(password: &Password) -> Result<String, AppError> {
    HashPool::shared().hash(password).await
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong user name or password. Also the answer, word for word and after the same
    /// work, for an unknown name, a locked account and a disabled one: telling them apart
    /// would tell which names exist, and a locked account's different answer to the right
    /// password would tell the password.
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too many failed log-ins lately from this address or for this name.
    #[error("too many failed log-ins; try again in {retry_after} s")]
    Throttled { retry_after: i64 },
    /// Every password-hashing worker is busy and the queue is full.
    #[error("the password workers are busy; try again in {retry_after} s")]
    Busy { retry_after: i64 },
    #[error("password hashing failed")]
    Hashing,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<AppError> for LoginError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Busy { retry_after } => LoginError::Busy { retry_after },
            AppError::Store(s) => LoginError::Store(s),
            _ => LoginError::Hashing,
        }
    }
}

/// Checks a log-in at `now` and keeps the count of failures: it touches accounts only, so
/// it asks for the [`AccountStore`] alone.
///
/// Nothing is decided from the account as read before hashing, which concurrent attempts
/// may have changed meanwhile: a wrong password is counted and the lock decided in one
/// statement of the store, and a right one is let in only if the store, in one statement,
/// finds the account unlocked and clears its count. Every refusal is `BadCredentials`
/// after one password verification: an unknown name is verified against a dummy hash.
pub async fn authenticate(
    store: &dyn AccountStore,
    hashes: &HashPool,
    username: &str,
    password: &str,
    now: i64,
) -> Result<UserRecord, LoginError> {
    let user = match Username::parse(username) {
        Ok(name) => store.user_by_username(&name).await?,
        Err(_) => None,
    };
    let lockout = Lockout {
        max_failures: MAX_FAILED_LOGINS,
        until: now + LOCK_SECONDS,
    };
    let Some(mut user) = user else {
        let dummy = hashes.dummy_hash().await?;
        hashes.verify(dummy, password).await?;
        // The statement a wrong password makes, on no account, so that the database's
        // time does not tell the name is unknown either.
        match store.record_login_failure(NO_ACCOUNT, now, lockout).await {
            Ok(_) | Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        return Err(LoginError::BadCredentials);
    };
    // A disabled account's attempts are answered and counted as wrong passwords, the right
    // one included.
    if !hashes.verify(&user.password_hash, password).await? || !user.active {
        store.record_login_failure(user.id, now, lockout).await?;
        return Err(LoginError::BadCredentials);
    }
    if !store.record_login_success(user.id, now).await? {
        return Err(LoginError::BadCredentials);
    }
    user.failed_logins = 0;
    user.locked_until = None;
    Ok(user)
}

/// What one server keeps to protect its log-ins: the pool that hashes passwords and the
/// back-off of failed attempts.
pub struct LoginGuard {
    pub hashes: HashPool,
    pub throttle: Throttle,
}

impl LoginGuard {
    pub fn for_this_machine() -> LoginGuard {
        LoginGuard {
            hashes: HashPool::for_this_machine(),
            throttle: Throttle::default(),
        }
    }
}

/// A log-in from `client` through the server's guard: refused at once while the client
/// or the name must wait after failures ([`throttle`]), else [`authenticate`]d, the
/// outcome counted for the back-off.
pub async fn log_in(
    store: &dyn AccountStore,
    guard: &LoginGuard,
    client: IpAddr,
    username: &str,
    password: &str,
    now: i64,
) -> Result<UserRecord, LoginError> {
    if let Some(retry_after) = guard.throttle.wait(client, username, now) {
        return Err(LoginError::Throttled { retry_after });
    }
    let outcome = authenticate(store, &guard.hashes, username, password, now).await;
    match &outcome {
        Ok(_) => guard.throttle.succeeded(username),
        Err(LoginError::BadCredentials) => guard.throttle.failed(client, username, now),
        Err(_) => {}
    }
    outcome
}

pub fn principal_of(user: &UserRecord) -> Principal {
    Principal {
        user_id: user.id,
        username: user.username.to_string(),
        role: user.role,
        binding: user.binding,
    }
}

/// The author of a change the principal makes now (the time is read here, in the
/// application, never by the store).
pub fn actor_of(principal: &Principal) -> Actor {
    if principal.user_id == 0 {
        // The operator of the command line has no account to refer to.
        return Actor {
            user_id: None,
            name: principal.username.clone(),
            at: crate::clock::now_unix(),
        };
    }
    Actor::user(
        principal.user_id,
        &principal.username,
        crate::clock::now_unix(),
    )
}

/// The park of the enterprise a filer binding points to, for scope decisions.
async fn binding_park(
    store: &dyn Store,
    binding: Binding,
) -> Result<Option<innozone_domain::registry::UnitId>, AppError> {
    Ok(match binding {
        Binding::Enterprise(id) => {
            let e =
                store
                    .enterprise(id, crate::clock::today())
                    .await?
                    .ok_or(AppError::NotFound {
                        entity: "enterprise",
                        key: id.to_string(),
                    })?;
            e.park
        }
        _ => None,
    })
}

async fn check_binding_exists(
    store: &dyn Store,
    binding: Binding,
    tree: &Tree,
) -> Result<(), AppError> {
    match binding {
        Binding::Unit(u) => {
            let known =
                tree.path(u).len() > 1 || tree.roots.contains(&u) || tree.detached.contains(&u);
            if !known {
                return Err(AppError::NotFound {
                    entity: "unit",
                    key: u.to_string(),
                });
            }
        }
        Binding::Enterprise(e) => {
            store
                .enterprise(e, crate::clock::today())
                .await?
                .ok_or(AppError::NotFound {
                    entity: "enterprise",
                    key: e.to_string(),
                })?;
        }
        Binding::Everything => {}
    }
    Ok(())
}

/// The node an account is to be bound to, from the codes a form, a request or the command
/// line gives: an enterprise filer's enterprise by credit code, anyone else's unit by code,
/// the whole platform when neither is given. Whether the role may have that node is
/// decided when the account is saved.
pub async fn resolve_binding(
    store: &dyn Store,
    hierarchy: &innozone_domain::registry::Hierarchy,
    role: Role,
    unit_code: Option<&str>,
    credit_code: Option<&str>,
) -> Result<Binding, AppError> {
    let given = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if role.binds_to_enterprise() {
        let code = given(credit_code).ok_or(AppError::Binding(
            innozone_domain::accounts::BindingError::FilerNeedsEnterprise,
        ))?;
        let code = innozone_domain::registry::CreditCode::parse(&code)?;
        let enterprise = store
            .enterprise_by_code(&code, crate::clock::today())
            .await?
            .ok_or_else(|| AppError::UnknownReference {
                entity: "enterprise",
                key: code.to_string(),
            })?;
        return Ok(Binding::Enterprise(enterprise.id));
    }
    match given(unit_code) {
        Some(code) => hierarchy
            .unit_by_code(&code)
            .map(|u| Binding::Unit(u.id))
            .ok_or(AppError::UnknownReference {
                entity: "unit",
                key: code,
            }),
        None => Ok(Binding::Everything),
    }
}

/// The password an administrator typed for the new account `username`, or a generated
/// one; the generated one is returned in clear to be shown once.
pub fn typed_or_generated(
    typed: Option<&str>,
    username: &Username,
) -> Result<(Password, Option<String>), AppError> {
    match typed.filter(|p| !p.trim().is_empty()) {
        Some(p) => Ok((Password::parse(p, username)?, None)),
        None => {
            let p = generate_password(username);
            let shown = p.expose().to_string();
            Ok((p, Some(shown)))
        }
    }
}

pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
    pub password: Password,
    pub must_change_password: bool,
}

/// Creates an account if `by` may assign that role and node.
pub async fn create_account(
    store: &dyn Store,
    hashes: &HashPool,
    by: &Principal,
    tree: &Tree,
    account: NewAccount,
) -> Result<UserRecord, AppError> {
    account.binding.check_for(account.role)?;
    check_binding_exists(store, account.binding, tree).await?;
    let park = binding_park(store, account.binding).await?;
    if !by.may_assign(account.role, account.binding, park, tree) {
        return Err(AppError::Forbidden);
    }
    let password_hash = hashes.hash(&account.password).await?;
    let user = NewUser {
        username: account.username,
        display_name: account.display_name,
        role: account.role,
        binding: account.binding,
        password_hash,
        must_change_password: account.must_change_password,
    };
    Ok(store.create_user(&user, &actor_of(by)).await?)
}

/// Whether `by` may see and change the account `user` (its current role and node).
pub async fn may_manage(
    store: &dyn Store,
    by: &Principal,
    tree: &Tree,
    user: &UserRecord,
) -> Result<bool, AppError> {
    if !by.may_manage_users() {
        return Ok(false);
    }
    let park = binding_park(store, user.binding).await.unwrap_or(None);
    Ok(by.may_assign(user.role, user.binding, park, tree))
}

pub async fn update_account(
    store: &dyn Store,
    by: &Principal,
    tree: &Tree,
    id: i64,
    update: UserUpdate,
) -> Result<UserRecord, AppError> {
    let user = store.user(id).await?.ok_or(AppError::NotFound {
        entity: "user",
        key: id.to_string(),
    })?;
    if !may_manage(store, by, tree, &user).await? {
        return Err(AppError::Forbidden);
    }
    update.binding.check_for(update.role)?;
    check_binding_exists(store, update.binding, tree).await?;
    let park = binding_park(store, update.binding).await?;
    if !by.may_assign(update.role, update.binding, park, tree) {
        return Err(AppError::Forbidden);
    }
    let updated = store.update_user(id, &update, &actor_of(by)).await?;
    if !updated.active || updated.binding != user.binding || updated.role != user.role {
        // A changed role or node must not keep sessions made under the old one.
        store.delete_user_sessions(id).await?;
    }
    Ok(updated)
}

/// Changes the signed-in user's own password after checking the current one. Every other
/// session of the account ends — whoever else held the old password is signed out — and
/// the session `keep` (the token hash of the one making the change) goes on.
pub async fn change_own_password(
    store: &dyn Store,
    hashes: &HashPool,
    by: &Principal,
    keep: &str,
    current: &str,
    new: &Password,
) -> Result<(), AppError> {
    let user = store.user(by.user_id).await?.ok_or(AppError::NotFound {
        entity: "user",
        key: by.user_id.to_string(),
    })?;
    if !hashes.verify(&user.password_hash, current).await? {
        return Err(AppError::WrongPassword);
    }
    let hash = hashes.hash(new).await?;
    store
        .set_password(user.id, &hash, false, &actor_of(by))
        .await?;
    store.delete_other_sessions(user.id, keep).await?;
    Ok(())
}

/// Resets the password of the account `id`, which `by` manages, to a generated one
/// (returned to be shown once) that must be changed at next log-in. The account is
/// unlocked — a reset is how a locked-out user gets back in — and all its sessions end.
/// One's own password is changed with the current one instead.
pub async fn reset_password(
    store: &dyn Store,
    hashes: &HashPool,
    by: &Principal,
    tree: &Tree,
    id: i64,
) -> Result<Password, AppError> {
    let user = store.user(id).await?.ok_or(AppError::NotFound {
        entity: "user",
        key: id.to_string(),
    })?;
    if by.user_id == id || !may_manage(store, by, tree, &user).await? {
        return Err(AppError::Forbidden);
    }
    let new = generate_password(&user.username);
    let hash = hashes.hash(&new).await?;
    store.set_password(id, &hash, true, &actor_of(by)).await?;
    store.clear_login_failures(id).await?;
    store.delete_user_sessions(id).await?;
    Ok(new)
}

/// A random password for `username` (the first administrator, resets, accounts created
/// without one): 16 characters from an alphabet without look-alikes.
pub fn generate_password(username: &Username) -> Password {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let mut bytes = [0u8; 16];
        rand::fill(&mut bytes);
        let mut s: String = bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        // Guarantee two character classes whatever the draw.
        s.replace_range(0..2, "a7");
        // A draw that happens to hold the user name is drawn again.
        if let Ok(p) = Password::parse(&s, username) {
            return p;
        }
    }
}

/// The command-line operator: whoever can run the CLI against the database is its
/// administrator. Has no account (user id 0) and is recorded as `cli` in the audit log.
pub fn operator_principal() -> Principal {
    Principal {
        user_id: 0,
        username: "cli".to_string(),
        role: Role::Administrator,
        binding: Binding::Everything,
    }
}

/// An account with the enterprise it is bound to, for an enterprise filer.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: UserRecord,
    /// The bound enterprise; `None` for other bindings or an enterprise no longer there.
    pub enterprise: Option<Enterprise>,
}

/// Reads the enterprise of each enterprise filer among `users`, each enterprise once
/// however many filers it has.
pub async fn bound_accounts(
    store: &dyn Store,
    users: Vec<UserRecord>,
) -> Result<Vec<Account>, AppError> {
    let mut enterprises: HashMap<EnterpriseId, Option<Enterprise>> = HashMap::new();
    let mut out = Vec::with_capacity(users.len());
    for user in users {
        let enterprise = match user.binding {
            Binding::Enterprise(id) => match enterprises.get(&id) {
                Some(e) => e.clone(),
                None => {
                    let e = store.enterprise(id, crate::clock::today()).await?;
                    enterprises.insert(id, e.clone());
                    e
                }
            },
            _ => None,
        };
        out.push(Account { user, enterprise });
    }
    Ok(out)
}

/// One account with its bound enterprise.
pub async fn bound_account(store: &dyn Store, user: UserRecord) -> Result<Account, AppError> {
    let mut one = bound_accounts(store, vec![user]).await?;
    Ok(one.pop().expect("one account in, one out"))
}

/// The accounts `by` manages (administrators all, zone staff those inside their zone),
/// in the store's order, each with its bound enterprise.
pub async fn managed_accounts(
    store: &dyn Store,
    by: &Principal,
    tree: &Tree,
) -> Result<Vec<Account>, AppError> {
    if !by.may_manage_users() {
        return Err(AppError::Forbidden);
    }
    let mut managed = Vec::new();
    for user in store.list_users().await? {
        if may_manage(store, by, tree, &user).await? {
            managed.push(user);
        }
    }
    bound_accounts(store, managed).await
}

/// One account `by` manages, by its id.
pub async fn managed_account(
    store: &dyn Store,
    by: &Principal,
    tree: &Tree,
    id: i64,
) -> Result<Account, AppError> {
    let user = store.user(id).await?.ok_or_else(|| AppError::NotFound {
        entity: "user",
        key: id.to_string(),
    })?;
    if !may_manage(store, by, tree, &user).await? {
        return Err(AppError::Forbidden);
    }
    bound_account(store, user).await
}

/// The account of `username`.
pub async fn account_by_username(
    store: &dyn Store,
    username: &Username,
) -> Result<UserRecord, AppError> {
    store
        .user_by_username(username)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "user",
            key: username.to_string(),
        })
}

/// Ends the session of `token_hash` (signing out).
pub async fn sign_out(store: &dyn Store, token_hash: &str) -> Result<(), AppError> {
    Ok(store.delete_session(token_hash).await?)
}

/// One page of the audit log; administrators only, as it spans every node.
pub async fn audit_log(
    store: &dyn Store,
    by: &Principal,
    query: &AuditQuery,
) -> Result<(Vec<AuditEntry>, i64), AppError> {
    if !by.may_read_audit() {
        return Err(AppError::Forbidden);
    }
    Ok(store.audit(query).await?)
}

#[cfg(test)]
mod tests {
    //! Lock-out over an in-memory [`AccountStore`]: the use case needs nothing else, so
    //! its rules are checked without a database.

    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use innozone_store::{LoginCount, StoreResult, UserUpdate};

    use super::*;

    /// Accounts kept in memory, with the behaviour the SQL backends have: names unique,
    /// each failure counted and judged at once under the lock, as the SQL backends' one
    /// statement does, and a lock kept until it runs out or is cleared.
    #[derive(Default)]
    struct MemoryAccounts(Mutex<Vec<UserRecord>>);

    impl MemoryAccounts {
        fn change<T>(&self, id: i64, f: impl FnOnce(&mut UserRecord) -> T) -> StoreResult<T> {
            let mut users = self.0.lock().unwrap();
            let user = users.iter_mut().find(|u| u.id == id);
            user.map(f).ok_or(StoreError::NotFound {
                entity: "user",
                key: id.to_string(),
            })
        }
    }

    fn locked_at(user: &UserRecord, now: i64) -> bool {
        user.locked_until.is_some_and(|until| until > now)
    }

    #[async_trait]
    impl AccountStore for MemoryAccounts {
        async fn create_user(&self, user: &NewUser, actor: &Actor) -> StoreResult<UserRecord> {
            let mut users = self.0.lock().unwrap();
            if users.iter().any(|u| u.username == user.username) {
                return Err(StoreError::Duplicate {
                    entity: "user",
                    key: user.username.to_string(),
                });
            }
            let record = UserRecord {
                id: users.len() as i64 + 1,
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                role: user.role,
                binding: user.binding,
                password_hash: user.password_hash.clone(),
                active: true,
                failed_logins: 0,
                locked_until: None,
                must_change_password: user.must_change_password,
                created_at: actor.at,
            };
            users.push(record.clone());
            Ok(record)
        }
        async fn user(&self, id: i64) -> StoreResult<Option<UserRecord>> {
            Ok(self.0.lock().unwrap().iter().find(|u| u.id == id).cloned())
        }
        async fn user_by_username(&self, username: &Username) -> StoreResult<Option<UserRecord>> {
            let users = self.0.lock().unwrap();
            Ok(users.iter().find(|u| &u.username == username).cloned())
        }
        async fn list_users(&self) -> StoreResult<Vec<UserRecord>> {
            let mut users = self.0.lock().unwrap().clone();
            users.sort_by(|a, b| a.username.as_str().cmp(b.username.as_str()));
            Ok(users)
        }
        async fn update_user(
            &self,
            id: i64,
            update: &UserUpdate,
            _actor: &Actor,
        ) -> StoreResult<UserRecord> {
            self.change(id, |u| {
                u.display_name = update.display_name.clone();
                u.role = update.role;
                u.binding = update.binding;
                u.active = update.active;
                u.clone()
            })
        }
        async fn set_password(
            &self,
            id: i64,
            password_hash: &str,
            must_change: bool,
            _actor: &Actor,
        ) -> StoreResult<()> {
            self.change(id, |u| {
                u.password_hash = password_hash.to_string();
                u.must_change_password = must_change;
            })
        }
        async fn record_login_failure(
            &self,
            id: i64,
            now: i64,
            lockout: Lockout,
        ) -> StoreResult<Option<LoginCount>> {
            self.change(id, |u| {
                if locked_at(u, now) {
                    return None;
                }
                u.failed_logins = if u.locked_until.is_some() {
                    1
                } else {
                    u.failed_logins + 1
                };
                u.locked_until = (u.failed_logins >= lockout.max_failures).then_some(lockout.until);
                Some(LoginCount {
                    failed_logins: u.failed_logins,
                    locked_until: u.locked_until,
                })
            })
        }
        async fn record_login_success(&self, id: i64, now: i64) -> StoreResult<bool> {
            self.change(id, |u| {
                if locked_at(u, now) {
                    return false;
                }
                u.failed_logins = 0;
                u.locked_until = None;
                true
            })
        }
        async fn clear_login_failures(&self, id: i64) -> StoreResult<()> {
            self.change(id, |u| {
                u.failed_logins = 0;
                u.locked_until = None;
            })
        }
    }

    const T0: i64 = 1_800_000_000;
    const PASSWORD: &str = "Lanbai-2020";

    async fn accounts_with(name: &str, active: bool) -> MemoryAccounts {
        let accounts = MemoryAccounts::default();
        let username = Username::parse(name).unwrap();
        let user = NewUser {
            username: username.clone(),
            display_name: "张伟".into(),
            role: Role::Administrator,
            binding: Binding::Everything,
            password_hash: hash_password(&Password::parse(PASSWORD, &username).unwrap())
                .await
                .unwrap(),
            must_change_password: false,
        };
        let created = accounts
            .create_user(&user, &Actor::system(T0))
            .await
            .unwrap();
        if !active {
            let update = UserUpdate {
                display_name: created.display_name,
                role: created.role,
                binding: created.binding,
                active: false,
            };
            let system = Actor::system(T0);
            accounts
                .update_user(created.id, &update, &system)
                .await
                .unwrap();
        }
        accounts
    }

    fn pool() -> HashPool {
        HashPool::new(2, 64)
    }

    #[tokio::test]
    async fn the_fifth_wrong_password_locks_for_fifteen_minutes_then_the_count_restarts() {
        let accounts = accounts_with("zhang.wei", true).await;
        let hashes = pool();
        let login = |password: &'static str, at: i64| {
            let accounts = &accounts;
            let hashes = &hashes;
            async move { authenticate(accounts, hashes, "zhang.wei", password, at).await }
        };
        for attempt in 1..=5 {
            let refused = login("wrong", T0 + attempt).await;
            assert!(
                matches!(refused, Err(LoginError::BadCredentials)),
                "{attempt}"
            );
        }
        // 5 failures at T0 + 5: locked until 15 × 60 s later.
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!(
            (stored.failed_logins, stored.locked_until),
            (5, Some(1_800_000_905))
        );
        // The right password waits for the lock too, answered like a wrong one; further
        // failures neither count nor extend the lock.
        let during = login(PASSWORD, T0 + 904).await;
        assert!(matches!(during, Err(LoginError::BadCredentials)));
        let again = login("wrong", T0 + 904).await;
        assert!(matches!(again, Err(LoginError::BadCredentials)));
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!(
            (stored.failed_logins, stored.locked_until),
            (5, Some(1_800_000_905))
        );
        // After the lock one mistake is the first of a new count, not a new lock.
        let after = login("wrong", T0 + 906).await;
        assert!(matches!(after, Err(LoginError::BadCredentials)));
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!((stored.failed_logins, stored.locked_until), (1, None));
        // The right password clears the count.
        let user = login(PASSWORD, T0 + 907).await.unwrap();
        assert_eq!((user.id, user.created_at), (1, T0));
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!((stored.failed_logins, stored.locked_until), (0, None));
    }

    #[tokio::test]
    async fn unknown_locked_and_disabled_accounts_answer_like_a_wrong_password() {
        let accounts = accounts_with("li.na", false).await;
        let hashes = pool();
        let unknown = authenticate(&accounts, &hashes, "wang.fang", PASSWORD, T0).await;
        assert!(matches!(unknown, Err(LoginError::BadCredentials)));
        let disabled = authenticate(&accounts, &hashes, "li.na", PASSWORD, T0).await;
        assert!(matches!(disabled, Err(LoginError::BadCredentials)));
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!(stored.failed_logins, 1, "counted as a wrong password is");
        // An unknown name goes on answering so after the lock-out's threshold.
        for attempt in 0..2 * MAX_FAILED_LOGINS {
            let unknown =
                authenticate(&accounts, &hashes, "wang.fang", "wrong", T0 + attempt).await;
            assert!(matches!(unknown, Err(LoginError::BadCredentials)));
        }
    }

    /// Forty wrong passwords at once, with the right one among them: whatever the order,
    /// the count stops at exactly five with the lock set, and the right password never
    /// resets a lock that was reached first.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_wrong_passwords_lock_after_exactly_five() {
        let accounts = Arc::new(accounts_with("zhang.wei", true).await);
        let hashes = Arc::new(HashPool::new(2, 64));
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..40 {
            let (accounts, hashes) = (accounts.clone(), hashes.clone());
            let password = if i == 20 { PASSWORD } else { "wrong" };
            attempts.spawn(async move {
                authenticate(accounts.as_ref(), &hashes, "zhang.wei", password, T0).await
            });
        }
        while let Some(done) = attempts.join_next().await {
            match done.unwrap() {
                Ok(_) | Err(LoginError::BadCredentials) => {}
                Err(other) => panic!("{other:?}"),
            }
        }
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!(
            (stored.failed_logins, stored.locked_until),
            (MAX_FAILED_LOGINS, Some(T0 + LOCK_SECONDS))
        );
        let refused = authenticate(accounts.as_ref(), &hashes, "zhang.wei", PASSWORD, T0 + 1).await;
        assert!(matches!(refused, Err(LoginError::BadCredentials)));
    }
}
