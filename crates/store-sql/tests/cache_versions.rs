//! The versions of what servers keep in memory (`cache_versions`): raised in the
//! transaction of every write that changes the area, and seen by another store over the
//! same database, as another server would see them. On SQLite always, on PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set.

use std::sync::Arc;

use innozone_domain::Date;
use innozone_domain::accounts::{Binding, Principal, Role};
use innozone_domain::registry::dataset::{Dataset, DatasetMembership};
use innozone_domain::registry::import::{UnitImportPlan, parse_unit_rows, plan_unit_import};
use innozone_domain::registry::{UnitCode, UnitDraft, UnitKind};
use innozone_domain::table::{Cell, Row, Table};
use innozone_store::{Actor, CachedArea, Store};
use innozone_store_sql::on_both_backends;
use time::macros::date;

type Db = Arc<dyn Store>;

const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

fn actor() -> Actor {
    Actor::system(AT)
}

fn admin() -> Principal {
    Principal {
        user_id: 1,
        username: "admin".to_string(),
        role: Role::Administrator,
        binding: Binding::Everything,
    }
}

fn unit(code: &str, kind: UnitKind) -> UnitDraft {
    UnitDraft {
        code: UnitCode::parse(code).unwrap(),
        name_zh: code.to_string(),
        name_en: None,
        kind,
        area_km2: None,
        population: None,
        leading_industries: Vec::new(),
        spatial_role: None,
    }
}

/// A zone with one park.
fn zone() -> Dataset {
    Dataset {
        units: vec![unit("TZ", UnitKind::Zone), unit("TZ-A", UnitKind::Park)],
        memberships: vec![DatasetMembership {
            child: UnitCode::parse("TZ-A").unwrap(),
            parent: UnitCode::parse("TZ").unwrap(),
            from: date!(2015 - 01 - 01),
            until: None,
        }],
        enterprises: Vec::new(),
    }
}

/// A unit plan from rows of code, name, kind, parent code and membership start.
async fn unit_plan(store: &Db, rows: &[[&str; 5]], today: Date) -> UnitImportPlan {
    let headers = ["code", "name_zh", "kind", "parent_code", "member_since"];
    let table = Table {
        sheet: None,
        header_row: 1,
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, cells)| Row {
                number: i + 2,
                cells: cells
                    .iter()
                    .map(|c| match *c {
                        "" => Cell::Empty,
                        text => Cell::Text(text.to_string()),
                    })
                    .collect(),
            })
            .collect(),
    };
    let parsed = parse_unit_rows(&table).expect("rows parse");
    let hierarchy = store.hierarchy().await.unwrap();
    plan_unit_import(&table, parsed, &hierarchy, &admin(), today).expect("the plan is valid")
}

async fn version(store: &Db) -> i64 {
    store.cache_version(CachedArea::Hierarchy).await.unwrap()
}

on_both_backends!(the_hierarchy_version_moves_with_every_change_of_units_or_memberships);

async fn the_hierarchy_version_moves_with_every_change_of_units_or_memberships(store: Db) {
    let empty = version(&store).await;
    store
        .load_dataset(&zone(), &actor(), &|_| {})
        .await
        .unwrap();
    let loaded = version(&store).await;
    assert_ne!(loaded, empty, "a whole data set is a change");

    let new_park = [["TZ-B", "TZ-B", "park", "TZ", "2024-01-01"]];
    let plan = unit_plan(&store, &new_park, date!(2024 - 06 - 01)).await;
    store.apply_unit_plan(&plan, &actor()).await.unwrap();
    let added = version(&store).await;
    assert_ne!(added, loaded, "a new park in the zone is a change");

    // The same rows again change nothing, and the version stays.
    let plan = unit_plan(&store, &new_park, date!(2024 - 06 - 01)).await;
    let summary = store.apply_unit_plan(&plan, &actor()).await.unwrap();
    assert_eq!(summary.unchanged, 1);
    assert_eq!(version(&store).await, added);

    // A renamed unit is a change.
    let renamed = [["TZ-B", "新园区", "park", "TZ", ""]];
    let plan = unit_plan(&store, &renamed, date!(2024 - 06 - 01)).await;
    store.apply_unit_plan(&plan, &actor()).await.unwrap();
    assert_ne!(version(&store).await, added);
}

/// Two stores over one database: a unit written through one is seen through the other
/// with a new version, as by a second server.
async fn a_change_through_one_store_is_seen_through_the_other(first: Db, second: Db) {
    first
        .load_dataset(&zone(), &actor(), &|_| {})
        .await
        .unwrap();
    let before = version(&second).await;
    assert_eq!(before, version(&first).await);
    assert!(
        second
            .hierarchy()
            .await
            .unwrap()
            .unit_by_code("TZ-B")
            .is_none()
    );

    let plan = unit_plan(
        &first,
        &[["TZ-B", "TZ-B", "park", "TZ", "2024-01-01"]],
        date!(2024 - 06 - 01),
    )
    .await;
    first.apply_unit_plan(&plan, &actor()).await.unwrap();
    assert_ne!(version(&second).await, before);
    assert!(
        second
            .hierarchy()
            .await
            .unwrap()
            .unit_by_code("TZ-B")
            .is_some()
    );
}

mod twice {
    #[tokio::test]
    async fn sqlite() {
        let (first, second) = innozone_store_sql::testing::fresh_sqlite_twice().await;
        super::a_change_through_one_store_is_seen_through_the_other(first, second).await;
    }

    #[tokio::test]
    async fn postgres() {
        let Some(url) = innozone_store_sql::testing::postgres_url() else {
            eprintln!(
                "{} is not set: PostgreSQL not tested",
                innozone_store_sql::testing::POSTGRES_URL_VAR
            );
            return;
        };
        let (first, second) = innozone_store_sql::testing::fresh_postgres_twice(&url).await;
        super::a_change_through_one_store_is_seen_through_the_other(first, second).await;
    }
}
