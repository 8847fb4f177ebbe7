//! The ladder of tiers in the store, run on SQLite always and on PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set: every test below is expanded once per backend
//! (`sqlite::name`, `postgres::name`), each on a fresh database of its own.

use std::sync::Arc;

use innozone_store::{Actor, AuditQuery, NewLadder, Store, StoreError};
use innozone_store_sql::on_both_backends;

/// When the tests' writes happen: the store never reads the clock, its caller says.
const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

type Db = Arc<dyn Store>;

on_both_backends!(
    a_new_store_has_no_ladder,
    versions_are_kept_byte_for_byte_and_listed_highest_first,
    an_installed_version_is_never_overwritten,
    an_install_is_audited,
);

fn ladder(version: u32, source: &str) -> NewLadder {
    NewLadder {
        version,
        form_code: "torch_annual".to_string(),
        form_version: 3,
        source: source.to_string(),
    }
}

/// A source with what a file may hold: Chinese, quotes, a byte-order mark, CRLF, tabs.
const SOURCE: &str =
    "\u{feff}# 梯度培育\r\nversion = 1\r\n\t[[tiers]]\r\nzh = \"高新技术企业 'x' \\\"y\\\"\"\n";

async fn a_new_store_has_no_ladder(store: Db) {
    assert!(store.ladder_versions().await.unwrap().is_empty());
    assert!(store.ladder_sources().await.unwrap().is_empty());
    assert!(store.latest_ladder().await.unwrap().is_none());
    assert!(store.ladder_version(1).await.unwrap().is_none());
}

async fn versions_are_kept_byte_for_byte_and_listed_highest_first(store: Db) {
    let admin = Actor::user(1, "admin", AT);
    let one = store
        .install_ladder(&ladder(1, SOURCE), &Actor::system(AT))
        .await
        .unwrap();
    assert_eq!((one.version, one.installed_by.as_str()), (1, "system"));
    // The time is the caller's, to the second, in the version and in its audit entry.
    assert_eq!(one.installed_at, 1_767_225_600);
    let query = innozone_store::AuditQuery {
        entity: Some("ladder".into()),
        limit: 10,
        ..Default::default()
    };
    let (entries, _) = store.audit(&query).await.unwrap();
    assert_eq!(
        entries.iter().map(|e| e.at).collect::<Vec<_>>(),
        [1_767_225_600]
    );
    // Installed out of order: the list and the latest follow the numbers.
    store
        .install_ladder(&ladder(3, "version = 3\n"), &admin)
        .await
        .unwrap();
    store
        .install_ladder(&ladder(2, "version = 2\n"), &admin)
        .await
        .unwrap();

    let versions = store.ladder_versions().await.unwrap();
    let numbers: Vec<u32> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(versions[0].installed_by, "admin");
    assert_eq!(versions[2], one);
    assert!(
        versions
            .iter()
            .all(|v| v.form_code == "torch_annual" && v.form_version == 3)
    );

    let sources = store.ladder_sources().await.unwrap();
    let numbers: Vec<u32> = sources.iter().map(|v| v.summary.version).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(sources[2].source, SOURCE);

    let first = store.ladder_version(1).await.unwrap().unwrap();
    assert_eq!(first.source.as_bytes(), SOURCE.as_bytes());
    assert_eq!(first.summary, one);
    let latest = store.latest_ladder().await.unwrap().unwrap();
    assert_eq!(
        (latest.summary.version, latest.source.as_str()),
        (3, "version = 3\n")
    );
    assert!(store.ladder_version(4).await.unwrap().is_none());
}

async fn an_installed_version_is_never_overwritten(store: Db) {
    let actor = Actor::user(1, "admin", AT);
    store
        .install_ladder(&ladder(2, "version = 2\n"), &actor)
        .await
        .unwrap();
    let before = audit_total(&store).await;
    let again = store
        .install_ladder(
            &ladder(2, "version = 2 # changed\n"),
            &Actor::user(2, "other", AT),
        )
        .await;
    match again {
        Err(StoreError::Duplicate { entity, key }) => {
            assert_eq!((entity, key.as_str()), ("ladder", "2"));
        }
        other => panic!("a second version 2 must be refused, got {other:?}"),
    }
    let kept = store.ladder_version(2).await.unwrap().unwrap();
    assert_eq!(kept.source, "version = 2\n");
    assert_eq!(kept.summary.installed_by, "admin");
    assert_eq!(store.ladder_versions().await.unwrap().len(), 1);
    assert_eq!(
        audit_total(&store).await,
        before,
        "nothing audited for a refusal"
    );
    // The store still writes after the refusal.
    store
        .install_ladder(&ladder(3, "version = 3\n"), &actor)
        .await
        .unwrap();
}

async fn an_install_is_audited(store: Db) {
    let actor = Actor::user(7, "zone", AT);
    store
        .install_ladder(&ladder(5, SOURCE), &actor)
        .await
        .unwrap();
    let (entries, total) = store
        .audit(&AuditQuery {
            entity: Some("ladder".to_string()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 1);
    let entry = &entries[0];
    assert_eq!(entry.action, "ladder.install");
    assert_eq!(entry.entity_key, "5");
    assert_eq!(
        (entry.actor_id, entry.actor_name.as_str()),
        (Some(7), "zone")
    );
    let after = entry.after.as_ref().unwrap();
    assert_eq!(after["version"], 5);
    assert_eq!(after["form_code"], "torch_annual");
    assert_eq!(after["form_version"], 3);
}

async fn audit_total(store: &Db) -> i64 {
    store
        .audit(&AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .1
}
