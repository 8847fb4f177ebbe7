//! The read audit in the store, run on SQLite always and on PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set: who read which enterprise's filing values, found by
//! enterprise and by reader, newest first, and pruned by age.

use std::sync::Arc;

use innozone_domain::registry::dataset::{
    Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership,
};
use innozone_domain::registry::{
    CreditCode, EnterpriseDraft, IndustryCode, RegistrationType, SizeClass, UnitCode, UnitDraft,
    UnitKind,
};
use innozone_store::{Actor, NewRead, ReadQuery, Store};
use innozone_store_sql::on_both_backends;
use time::macros::date;

type Db = Arc<dyn Store>;

const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC
const DAY: i64 = 86_400;

on_both_backends!(
    reads_are_found_by_enterprise_and_by_reader_newest_first,
    reads_of_the_system_are_not_kept,
    old_reads_are_pruned,
    an_export_of_many_enterprises_is_recorded_in_full,
);

fn credit(n: u32) -> CreditCode {
    CreditCode::complete(&format!("91620100MA{n:07}")).unwrap()
}

/// A zone with one park and `n` enterprises in it.
async fn registry(store: &Db, n: u32) -> Vec<i64> {
    let unit = |c: &str, kind| UnitDraft {
        code: UnitCode::parse(c).unwrap(),
        name_zh: c.to_string(),
        name_en: None,
        kind,
        area_km2: None,
        population: None,
        leading_industries: vec![],
        spatial_role: None,
    };
    let dataset = Dataset {
        units: vec![unit("Z", UnitKind::Zone), unit("P", UnitKind::Park)],
        memberships: vec![DatasetMembership {
            child: UnitCode::parse("P").unwrap(),
            parent: UnitCode::parse("Z").unwrap(),
            from: date!(2015 - 01 - 01),
            until: None,
        }],
        enterprises: (1..=n)
            .map(|i| DatasetEnterprise {
                draft: EnterpriseDraft {
                    credit_code: credit(i),
                    name: format!("企业{i}"),
                    industry: IndustryCode::parse("6511").unwrap(),
                    high_tech_field: None,
                    size_class: SizeClass::AboveScale,
                    registration_type: RegistrationType::LimitedLiability,
                    contact_name: None,
                    contact_phone: None,
                    in_survey: true,
                },
                locations: vec![DatasetLocation {
                    park: UnitCode::parse("P").unwrap(),
                    from: date!(2018 - 01 - 01),
                    until: None,
                }],
                recognitions: vec![],
            })
            .collect(),
    };
    store
        .load_dataset(&dataset, &Actor::system(AT), &|_| {})
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 1..=n {
        let e = store
            .enterprise_by_code(&credit(i), date!(2026 - 01 - 01))
            .await
            .unwrap()
            .unwrap();
        ids.push(e.id.0);
    }
    ids
}

fn read(enterprise_id: i64, what: &'static str, detail: &str) -> NewRead {
    NewRead {
        enterprise_id,
        what,
        detail: detail.to_string(),
    }
}

async fn reads_are_found_by_enterprise_and_by_reader_newest_first(store: Db) {
    let ids = registry(&store, 2).await;
    let filer = Actor::user(7, "filer", AT);
    let staff = Actor::user(8, "park", AT + 60);
    store
        .record_reads(&[read(ids[0], "filing", "torch_annual 2025")], &filer)
        .await
        .unwrap();
    store
        .record_reads(
            &[
                read(ids[0], "filing_history", "torch_annual 2025"),
                read(ids[1], "filing", "torch_annual 2024"),
            ],
            &staff,
        )
        .await
        .unwrap();

    let all = ReadQuery {
        limit: 50,
        ..ReadQuery::default()
    };
    let (items, total) = store.reads(&all).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(items[0].at, AT + 60, "newest first");
    assert_eq!(items.last().unwrap().username, "filer");

    let (items, total) = store
        .reads(&ReadQuery {
            credit_code: Some(credit(1).to_string()),
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert_eq!(
        items
            .iter()
            .map(|r| (r.username.as_str(), r.what.as_str()))
            .collect::<Vec<_>>(),
        [("park", "filing_history"), ("filer", "filing")]
    );
    assert_eq!(items[0].enterprise_name.as_deref(), Some("企业1"));
    assert_eq!(items[0].user_id, 8);
    assert_eq!(items[0].detail, "torch_annual 2025");

    let (items, total) = store
        .reads(&ReadQuery {
            username: Some("park".into()),
            limit: 1,
            offset: 1,
            ..ReadQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 2, "the total counts every page");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].credit_code, Some(credit(1).to_string()));
}

async fn reads_of_the_system_are_not_kept(store: Db) {
    let ids = registry(&store, 1).await;
    store
        .record_reads(&[read(ids[0], "filing", "x")], &Actor::system(AT))
        .await
        .unwrap();
    let (_, total) = store
        .reads(&ReadQuery {
            limit: 10,
            ..ReadQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 0);
}

async fn old_reads_are_pruned(store: Db) {
    let ids = registry(&store, 1).await;
    for (days_ago, who) in [(400, "a"), (100, "b"), (1, "c")] {
        store
            .record_reads(
                &[read(ids[0], "filing", "x")],
                &Actor::user(1, who, AT - days_ago * DAY),
            )
            .await
            .unwrap();
    }
    assert_eq!(store.prune_reads(AT - 365 * DAY).await.unwrap(), 1);
    assert_eq!(store.prune_reads(AT - 365 * DAY).await.unwrap(), 0);
    let (items, _) = store
        .reads(&ReadQuery {
            limit: 10,
            ..ReadQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        items
            .iter()
            .map(|r| r.username.as_str())
            .collect::<Vec<_>>(),
        ["c", "b"]
    );
}

async fn an_export_of_many_enterprises_is_recorded_in_full(store: Db) {
    // More rows than one statement takes, so that the chunks are joined.
    let ids = registry(&store, 3).await;
    let reads: Vec<NewRead> = (0..2_500)
        .map(|i| read(ids[i % 3], "filings_export", "torch_annual 2025"))
        .collect();
    store
        .record_reads(&reads, &Actor::user(9, "zone", AT))
        .await
        .unwrap();
    let (_, total) = store
        .reads(&ReadQuery {
            username: Some("zone".into()),
            limit: 1,
            ..ReadQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 2_500);
}
