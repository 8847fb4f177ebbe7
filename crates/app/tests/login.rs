//! Log-in and lock-out over a real store (SQLite, or PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use innozone_app::accounts::{
    HashPool, LOCK_SECONDS, LoginError, LoginGuard, MAX_FAILED_LOGINS, NewAccount, Throttle,
    authenticate, change_own_password, create_account, log_in, operator_principal, principal_of,
    reset_password,
};
use innozone_domain::accounts::{Binding, Password, Role, Username};
use innozone_domain::registry::Hierarchy;
use innozone_store::{SessionRecord, Store};

const T0: i64 = 1_800_000_000;
const PASSWORD: &str = "Lanbai-2020";

fn pool() -> HashPool {
    HashPool::new(2, 64)
}

fn name() -> Username {
    Username::parse("zhang.wei").unwrap()
}

async fn store_with_user() -> Arc<dyn Store> {
    let store = innozone_store_sql::testing::fresh_store().await;
    let tree = Hierarchy::default().as_of(time::macros::date!(2026 - 01 - 01));
    let account = NewAccount {
        username: name(),
        display_name: "张伟".into(),
        role: Role::Administrator,
        binding: Binding::Everything,
        password: Password::parse(PASSWORD, &name()).unwrap(),
        must_change_password: false,
    };
    create_account(
        store.as_ref(),
        &pool(),
        &operator_principal(),
        &tree,
        account,
    )
    .await
    .unwrap();
    store
}

async fn stored(s: &dyn Store) -> innozone_store::UserRecord {
    s.user_by_username(&name()).await.unwrap().unwrap()
}

#[tokio::test]
async fn locks_after_five_failures_and_unlocks_when_the_lock_runs_out() {
    let store = store_with_user().await;
    let s = store.as_ref();
    let hashes = pool();
    for attempt in 1..=MAX_FAILED_LOGINS {
        let e = authenticate(s, &hashes, "zhang.wei", "wrong-password", T0 + attempt)
            .await
            .unwrap_err();
        assert!(
            matches!(e, LoginError::BadCredentials),
            "attempt {attempt}: {e:?}"
        );
    }
    let locked_at = T0 + MAX_FAILED_LOGINS;
    let user = stored(s).await;
    assert_eq!(
        (user.failed_logins, user.locked_until),
        (MAX_FAILED_LOGINS, Some(locked_at + LOCK_SECONDS))
    );
    // Even the right password is refused while the lock holds, as a wrong one is.
    assert!(matches!(
        authenticate(s, &hashes, "zhang.wei", PASSWORD, locked_at + 60).await,
        Err(LoginError::BadCredentials)
    ));
    // Once it has run out, one more mistake does not lock again at once...
    let later = locked_at + LOCK_SECONDS + 1;
    assert!(matches!(
        authenticate(s, &hashes, "zhang.wei", "wrong-password", later).await,
        Err(LoginError::BadCredentials)
    ));
    assert_eq!(stored(s).await.failed_logins, 1);
    // ...and the right password works and clears the count.
    let user = authenticate(s, &hashes, "zhang.wei", PASSWORD, later + 1)
        .await
        .unwrap();
    assert_eq!(user.username.as_str(), "zhang.wei");
    let user = stored(s).await;
    assert_eq!((user.failed_logins, user.locked_until), (0, None));
}

/// The hardening issue's race, through the use case over the real store: forty log-ins at
/// once, thirty-nine wrong and one right. The old code read the count before hashing and
/// decided from it, so every attempt saw no failure, nothing locked and the right one
/// reset the count. Now the account is locked with exactly five failures whatever the
/// order, and the right password, wherever it fell, has not opened the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_concurrent_log_ins_lock_after_exactly_five() {
    let store = store_with_user().await;
    let hashes = Arc::new(pool());
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (store, hashes) = (store.clone(), hashes.clone());
        let password = if i == 17 { PASSWORD } else { "wrong-password" };
        attempts.spawn(async move {
            authenticate(store.as_ref(), &hashes, "zhang.wei", password, T0).await
        });
    }
    let mut refused = 0;
    while let Some(done) = attempts.join_next().await {
        match done.unwrap() {
            Ok(_) => {}
            Err(LoginError::BadCredentials) => refused += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(refused >= 39);
    let user = stored(store.as_ref()).await;
    assert_eq!(
        (user.failed_logins, user.locked_until),
        (MAX_FAILED_LOGINS, Some(T0 + LOCK_SECONDS))
    );

    // Now at once against the lock: right and wrong passwords alike are refused, none
    // counted, and the lock stays.
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (store, hashes) = (store.clone(), hashes.clone());
        let password = if i % 2 == 0 {
            PASSWORD
        } else {
            "wrong-password"
        };
        attempts.spawn(async move {
            authenticate(store.as_ref(), &hashes, "zhang.wei", password, T0 + 60).await
        });
    }
    while let Some(done) = attempts.join_next().await {
        assert!(matches!(done.unwrap(), Err(LoginError::BadCredentials)));
    }
    let user = stored(store.as_ref()).await;
    assert_eq!(
        (user.failed_logins, user.locked_until),
        (MAX_FAILED_LOGINS, Some(T0 + LOCK_SECONDS))
    );
}

/// More log-ins at once than the server's pool has workers and places in its queue: the
/// surplus is refused as busy instead of each taking another 19 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_log_ins_is_refused_beyond_the_pool() {
    let store = store_with_user().await;
    let guard = Arc::new(LoginGuard {
        hashes: HashPool::new(1, 1),
        throttle: Throttle::default(),
    });
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..32u8 {
        let (store, guard) = (store.clone(), guard.clone());
        attempts.spawn(async move {
            let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, n));
            log_in(store.as_ref(), &guard, client, "zhang.wei", PASSWORD, T0).await
        });
    }
    let (mut signed_in, mut busy) = (0, 0);
    while let Some(done) = attempts.join_next().await {
        match done.unwrap() {
            Ok(_) => signed_in += 1,
            Err(LoginError::Busy { retry_after }) => {
                assert!(retry_after > 0);
                busy += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(signed_in >= 1, "the pool works: {signed_in}");
    assert!(busy >= 1, "the surplus is refused: {busy} of 32");
}

#[tokio::test]
async fn unknown_names_and_case_are_handled() {
    let store = store_with_user().await;
    let s = store.as_ref();
    let hashes = pool();
    assert!(matches!(
        authenticate(s, &hashes, "nobody", PASSWORD, T0).await,
        Err(LoginError::BadCredentials)
    ));
    assert!(matches!(
        authenticate(s, &hashes, "张伟", PASSWORD, T0).await,
        Err(LoginError::BadCredentials)
    ));
    // User names are case-insensitive: they are stored in lower case.
    assert!(
        authenticate(s, &hashes, "Zhang.Wei", PASSWORD, T0)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_disabled_account_is_refused_like_a_wrong_password() {
    let store = store_with_user().await;
    let s = store.as_ref();
    let user = stored(s).await;
    let tree = Hierarchy::default().as_of(time::macros::date!(2026 - 01 - 01));
    let update = innozone_store::UserUpdate {
        display_name: user.display_name.clone(),
        role: user.role,
        binding: user.binding,
        active: false,
    };
    innozone_app::accounts::update_account(s, &operator_principal(), &tree, user.id, update)
        .await
        .unwrap();
    assert!(matches!(
        authenticate(s, &pool(), "zhang.wei", PASSWORD, T0).await,
        Err(LoginError::BadCredentials)
    ));
}

/// The back-off through the use case: after the free failures the next attempt is held
/// up without a password being checked, for a name that exists as for one that does not.
#[tokio::test]
async fn a_name_that_failed_too_often_waits_whether_it_exists_or_not() {
    let store = store_with_user().await;
    let guard = LoginGuard {
        hashes: pool(),
        throttle: Throttle::default(),
    };
    for (n, name) in [(1, "zhang.wei"), (2, "nobody")] {
        // Each name from an address of its own, so that only the name's back-off counts.
        let client = IpAddr::V4(Ipv4Addr::new(192, 0, 2, n));
        for attempt in 0..=MAX_FAILED_LOGINS {
            let e = log_in(
                store.as_ref(),
                &guard,
                client,
                name,
                "wrong-password",
                T0 + attempt,
            )
            .await
            .unwrap_err();
            assert!(
                matches!(e, LoginError::BadCredentials),
                "{name} {attempt}: {e:?}"
            );
        }
        let at = T0 + MAX_FAILED_LOGINS;
        match log_in(store.as_ref(), &guard, client, name, PASSWORD, at).await {
            Err(LoginError::Throttled { retry_after }) => assert_eq!(retry_after, 1, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

fn session(token_hash: &str, user_id: i64) -> SessionRecord {
    SessionRecord {
        token_hash: token_hash.to_string(),
        user_id,
        csrf_token: "c".into(),
        created_at: T0,
        expires_at: T0 + 3600,
    }
}

#[tokio::test]
async fn a_reset_by_a_manager_unlocks_and_signs_out() {
    let store = store_with_user().await;
    let s = store.as_ref();
    let hashes = pool();
    for attempt in 0..MAX_FAILED_LOGINS {
        let _ = authenticate(s, &hashes, "zhang.wei", "wrong-password", T0 + attempt).await;
    }
    let user = stored(s).await;
    assert!(user.locked_until.is_some());
    s.create_session(&session(&"h".repeat(64), user.id))
        .await
        .unwrap();

    let tree = Hierarchy::default().as_of(time::macros::date!(2026 - 01 - 01));
    let new = reset_password(s, &hashes, &operator_principal(), &tree, user.id)
        .await
        .unwrap();

    assert!(
        s.session(&"h".repeat(64)).await.unwrap().is_none(),
        "old sessions end"
    );
    // Still within the old lock's time, the new password works: the reset unlocked.
    let back = authenticate(
        s,
        &hashes,
        "zhang.wei",
        new.expose(),
        T0 + MAX_FAILED_LOGINS + 1,
    )
    .await
    .unwrap();
    assert!(
        back.must_change_password,
        "a reset password must be changed"
    );
    // One's own password is changed with the current one, not reset.
    assert!(matches!(
        reset_password(s, &hashes, &principal_of(&back), &tree, back.id).await,
        Err(innozone_app::AppError::Forbidden)
    ));
}

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions() {
    let store = store_with_user().await;
    let s = store.as_ref();
    let hashes = pool();
    let user = stored(s).await;
    for hash in ["this", "laptop", "phone"] {
        s.create_session(&session(hash, user.id)).await.unwrap();
    }
    let by = principal_of(&user);
    let new = Password::parse("Baiyin-2025x", &name()).unwrap();
    assert!(matches!(
        change_own_password(s, &hashes, &by, "this", "not-the-password", &new).await,
        Err(innozone_app::AppError::WrongPassword)
    ));
    assert!(
        s.session("laptop").await.unwrap().is_some(),
        "nothing changed"
    );

    change_own_password(s, &hashes, &by, "this", PASSWORD, &new)
        .await
        .unwrap();
    assert!(
        s.session("this").await.unwrap().is_some(),
        "the changing session goes on"
    );
    assert!(s.session("laptop").await.unwrap().is_none());
    assert!(s.session("phone").await.unwrap().is_none());
    assert!(
        authenticate(s, &hashes, "zhang.wei", "Baiyin-2025x", T0)
            .await
            .is_ok()
    );
}
