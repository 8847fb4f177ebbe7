//! Log-in with lock-out, and the management of accounts.

use std::collections::HashMap;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use innozone_domain::accounts::{Binding, Password, Principal, Role, Username};
use innozone_domain::registry::{Enterprise, EnterpriseId, Tree};
use innozone_store::{
    AccountStore, Actor, AuditEntry, AuditQuery, NewUser, Store, StoreError, UserRecord, UserUpdate,
};

use crate::AppError;

/// After this many failed log-ins in a row the account is locked for `LOCK_SECONDS`.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCK_SECONDS: i64 = 15 * 60;

/// Hashes on a blocking thread: argon2 takes tens of milliseconds on purpose.
pub async fn hash_password(password: &Password) -> Result<String, AppError> {
    let secret = password.expose().to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(secret.as_bytes())
            .map(|h| h.to_string())
            .map_err(|_| AppError::Hashing)
    })
    .await
    .map_err(|_| AppError::Hashing)?
}

pub async fn verify_password(hash: &str, candidate: &str) -> bool {
    let hash = hash.to_string();
    let candidate = candidate.to_string();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the user does not exist, so that an unknown name takes
/// as long as a wrong password and does not reveal which accounts exist.
async fn dummy_hash() -> &'static str {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            hash_password(&generate_password())
                .await
                .unwrap_or_default()
        })
        .await
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("the account is locked until {until}")]
    Locked { until: i64 },
    #[error("the account is disabled")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a log-in at `now` and keeps the count of failures: it touches accounts only, so
/// it asks for the [`AccountStore`] alone.
pub async fn authenticate(
    store: &dyn AccountStore,
    username: &str,
    password: &str,
    now: i64,
) -> Result<UserRecord, LoginError> {
    let user = match Username::parse(username) {
        Ok(name) => store.user_by_username(&name).await?,
        Err(_) => None,
    };
    let Some(user) = user else {
        verify_password(dummy_hash().await, password).await;
        return Err(LoginError::BadCredentials);
    };
    if let Some(until) = user.locked_until
        && until > now
    {
        return Err(LoginError::Locked { until });
    }
    if !verify_password(&user.password_hash, password).await {
        // A lock that has run out starts the count afresh: one more mistake after a
        // lock must not lock the account again at once.
        let earlier = if user.locked_until.is_some() {
            store.record_login_success(user.id).await?;
            0
        } else {
            user.failed_logins
        };
        let failures = earlier + 1;
        let lock = (failures >= MAX_FAILED_LOGINS).then_some(now + LOCK_SECONDS);
        store.record_login_failure(user.id, lock).await?;
        return Err(match lock {
            Some(until) => LoginError::Locked { until },
            None => LoginError::BadCredentials,
        });
    }
    if !user.active {
        return Err(LoginError::Disabled);
    }
    store.record_login_success(user.id).await?;
    Ok(user)
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

/// The password an administrator typed for a new account, or a generated one; the
/// generated one is returned in clear to be shown once.
pub fn typed_or_generated(typed: Option<&str>) -> Result<(Password, Option<String>), AppError> {
    match typed.filter(|p| !p.trim().is_empty()) {
        Some(p) => Ok((Password::parse(p)?, None)),
        None => {
            let p = generate_password();
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
    let password_hash = hash_password(&account.password).await?;
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

/// Sets a new password for `id`: by the user themself (after checking the current one)
/// or by someone who manages the account (then it must be changed at next log-in, the
/// account is unlocked and its sessions end).
pub async fn set_password(
    store: &dyn Store,
    by: &Principal,
    tree: &Tree,
    id: i64,
    current: Option<&str>,
    new: &Password,
) -> Result<(), AppError> {
    let user = store.user(id).await?.ok_or(AppError::NotFound {
        entity: "user",
        key: id.to_string(),
    })?;
    let own = by.user_id == id;
    if own {
        let Some(current) = current else {
            return Err(AppError::Forbidden);
        };
        if !verify_password(&user.password_hash, current).await {
            return Err(AppError::Forbidden);
        }
    } else if !may_manage(store, by, tree, &user).await? {
        return Err(AppError::Forbidden);
    }
    let hash = hash_password(new).await?;
    store.set_password(id, &hash, !own, &actor_of(by)).await?;
    if !own {
        // A reset by a manager is how a locked-out user gets back in, and whoever held the
        // old password must not stay signed in with it.
        store.record_login_success(id).await?;
        store.delete_user_sessions(id).await?;
    }
    Ok(())
}

/// A random password for the first administrator and for resets: 16 characters from an
/// alphabet without look-alikes.
pub fn generate_password() -> Password {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    let mut s: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    // Guarantee two character classes whatever the draw.
    s.replace_range(0..2, "a7");
    Password::parse(&s).expect("meets the policy")
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

    use std::sync::Mutex;

    use async_trait::async_trait;
    use innozone_store::{StoreResult, UserUpdate};

    use super::*;

    /// Accounts kept in memory, with the behaviour the SQL backends have: names unique,
    /// the failure count incremented and a lock kept until cleared.
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
        async fn record_login_failure(&self, id: i64, lock_until: Option<i64>) -> StoreResult<i64> {
            self.change(id, |u| {
                u.failed_logins += 1;
                u.locked_until = lock_until.or(u.locked_until);
                u.failed_logins
            })
        }
        async fn record_login_success(&self, id: i64) -> StoreResult<()> {
            self.change(id, |u| {
                u.failed_logins = 0;
                u.locked_until = None;
            })
        }
    }

    const T0: i64 = 1_800_000_000;

    async fn accounts_with(name: &str, password: &str, active: bool) -> MemoryAccounts {
        let accounts = MemoryAccounts::default();
        let user = NewUser {
            username: Username::parse(name).unwrap(),
            display_name: "张伟".into(),
            role: Role::Administrator,
            binding: Binding::Everything,
            password_hash: hash_password(&Password::parse(password).unwrap())
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

    #[tokio::test]
    async fn the_fifth_wrong_password_locks_for_fifteen_minutes_then_the_count_restarts() {
        let accounts = accounts_with("zhang.wei", "Lanbai-2020", true).await;
        for attempt in 1..=4 {
            let refused = authenticate(&accounts, "zhang.wei", "wrong", T0 + attempt).await;
            assert!(
                matches!(refused, Err(LoginError::BadCredentials)),
                "{attempt}"
            );
        }
        // 5 failures at T0 + 5: locked until 15 × 60 s later.
        let fifth = authenticate(&accounts, "zhang.wei", "wrong", T0 + 5).await;
        assert!(matches!(
            fifth,
            Err(LoginError::Locked {
                until: 1_800_000_905
            })
        ));
        // The right password waits for the lock too.
        let during = authenticate(&accounts, "zhang.wei", "Lanbai-2020", T0 + 904).await;
        assert!(matches!(
            during,
            Err(LoginError::Locked {
                until: 1_800_000_905
            })
        ));
        // After the lock one mistake is the first of a new count, not a new lock.
        let after = authenticate(&accounts, "zhang.wei", "wrong", T0 + 906).await;
        assert!(matches!(after, Err(LoginError::BadCredentials)));
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!((stored.failed_logins, stored.locked_until), (1, None));
        // The right password clears the count.
        let user = authenticate(&accounts, "zhang.wei", "Lanbai-2020", T0 + 907)
            .await
            .unwrap();
        assert_eq!((user.id, user.created_at), (1, T0));
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!((stored.failed_logins, stored.locked_until), (0, None));
    }

    #[tokio::test]
    async fn an_unknown_name_and_a_disabled_account_are_refused_without_counting() {
        let accounts = accounts_with("li.na", "Lanbai-2020", false).await;
        let unknown = authenticate(&accounts, "wang.fang", "Lanbai-2020", T0).await;
        assert!(matches!(unknown, Err(LoginError::BadCredentials)));
        let disabled = authenticate(&accounts, "li.na", "Lanbai-2020", T0).await;
        assert!(matches!(disabled, Err(LoginError::Disabled)));
        let stored = accounts.user(1).await.unwrap().unwrap();
        assert_eq!(stored.failed_logins, 0);
    }
}
