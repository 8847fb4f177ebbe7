//! Log-in and lock-out over a real store (SQLite, or PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set).

use innozone_app::accounts::{
    LOCK_SECONDS, LoginError, MAX_FAILED_LOGINS, NewAccount, authenticate, create_account,
    operator_principal,
};
use innozone_domain::accounts::{Binding, Password, Role, Username};
use innozone_domain::registry::Hierarchy;

const T0: i64 = 1_800_000_000;

async fn store_with_user() -> std::sync::Arc<dyn innozone_store::Store> {
    let store = innozone_store_sql::testing::fresh_store().await;
    let tree = Hierarchy::default().as_of(time::macros::date!(2026 - 01 - 01));
    let account = NewAccount {
        username: Username::parse("zhang.wei").unwrap(),
        display_name: "张伟".into(),
        role: Role::Administrator,
        binding: Binding::Everything,
        password: Password::parse("Lanbai-2020").unwrap(),
        must_change_password: false,
    };
    create_account(store.as_ref(), &operator_principal(), &tree, account)
        .await
        .unwrap();
    store
}

#[tokio::test]
async fn locks_after_five_failures_and_unlocks_when_the_lock_runs_out() {
    let store = store_with_user().await;
    let s = store.as_ref();
    for attempt in 1..MAX_FAILED_LOGINS {
        let e = authenticate(s, "zhang.wei", "wrong-password", T0 + attempt)
            .await
            .unwrap_err();
        assert!(
            matches!(e, LoginError::BadCredentials),
            "attempt {attempt}: {e:?}"
        );
    }
    let locked_at = T0 + MAX_FAILED_LOGINS;
    match authenticate(s, "zhang.wei", "wrong-password", locked_at).await {
        Err(LoginError::Locked { until }) => assert_eq!(until, locked_at + LOCK_SECONDS),
        other => panic!("the fifth failure locks: {other:?}"),
    }
    // Even the right password is refused while the lock holds.
    assert!(matches!(
        authenticate(s, "zhang.wei", "Lanbai-2020", locked_at + 60).await,
        Err(LoginError::Locked { .. })
    ));
    // Once it has run out, one more mistake does not lock again at once...
    let later = locked_at + LOCK_SECONDS + 1;
    assert!(matches!(
        authenticate(s, "zhang.wei", "wrong-password", later).await,
        Err(LoginError::BadCredentials)
    ));
    // ...and the right password works and clears the count.
    let user = authenticate(s, "zhang.wei", "Lanbai-2020", later + 1)
        .await
        .unwrap();
    assert_eq!(user.username.as_str(), "zhang.wei");
    let stored = s.user(user.id).await.unwrap().unwrap();
    assert_eq!((stored.failed_logins, stored.locked_until), (0, None));
}

#[tokio::test]
async fn unknown_names_and_case_are_handled() {
    let store = store_with_user().await;
    let s = store.as_ref();
    assert!(matches!(
        authenticate(s, "nobody", "Lanbai-2020", T0).await,
        Err(LoginError::BadCredentials)
    ));
    assert!(matches!(
        authenticate(s, "张伟", "Lanbai-2020", T0).await,
        Err(LoginError::BadCredentials)
    ));
    // User names are case-insensitive: they are stored in lower case.
    assert!(
        authenticate(s, "Zhang.Wei", "Lanbai-2020", T0)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in() {
    let store = store_with_user().await;
    let s = store.as_ref();
    let user = s
        .user_by_username(&Username::parse("zhang.wei").unwrap())
        .await
        .unwrap()
        .unwrap();
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
        authenticate(s, "zhang.wei", "Lanbai-2020", T0).await,
        Err(LoginError::Disabled)
    ));
}

#[tokio::test]
async fn a_reset_by_a_manager_unlocks_and_signs_out() {
    let store = store_with_user().await;
    let s = store.as_ref();
    for attempt in 0..MAX_FAILED_LOGINS {
        let _ = authenticate(s, "zhang.wei", "wrong-password", T0 + attempt).await;
    }
    let user = s
        .user_by_username(&Username::parse("zhang.wei").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(user.locked_until.is_some());
    let session = innozone_store::SessionRecord {
        token_hash: "h".repeat(64),
        user_id: user.id,
        csrf_token: "c".into(),
        created_at: T0,
        expires_at: T0 + 3600,
    };
    s.create_session(&session).await.unwrap();

    let tree = Hierarchy::default().as_of(time::macros::date!(2026 - 01 - 01));
    let new = Password::parse("Baiyin-2025x").unwrap();
    innozone_app::accounts::set_password(s, &operator_principal(), &tree, user.id, None, &new)
        .await
        .unwrap();

    assert!(
        s.session(&session.token_hash).await.unwrap().is_none(),
        "old sessions end"
    );
    // Still within the old lock's time, the new password works: the reset unlocked.
    let back = authenticate(s, "zhang.wei", "Baiyin-2025x", T0 + MAX_FAILED_LOGINS + 1)
        .await
        .unwrap();
    assert!(
        back.must_change_password,
        "a reset password must be changed"
    );
}
