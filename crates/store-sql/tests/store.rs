//! The behaviour of the store, run on SQLite always and on PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set: every test below is expanded once per backend
//! (`sqlite::name`, `postgres::name`), each on a fresh database of its own.
//!
//! The expected figures are worked out by hand from the small registries built here.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::Mutex;

use innozone_domain::Date;
use innozone_domain::accounts::{Binding, Principal, Role, Username};
use innozone_domain::registry::dataset::{
    Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership,
};
use innozone_domain::registry::import::{
    EnterpriseChange, EnterpriseImportPlan, MembershipChange, UnitChange, UnitImportPlan,
    parse_enterprise_rows, parse_unit_rows, plan_enterprise_import, plan_unit_import,
};
use innozone_domain::registry::{
    CreditCode, EnterpriseDraft, EnterpriseId, IndustryCode, Location, Membership, Recognition,
    RegistrationType, SizeClass, SpatialRole, Tier, UnitCode, UnitDraft, UnitId, UnitKind,
};
use innozone_domain::reporting::{FilingAction, FilingState, FilingStatus, Form, Period};
use innozone_domain::table::{Cell, Row, Table};
use innozone_store::{
    Actor, AuditEntry, AuditQuery, EnterpriseQuery, FilingRecord, ImportSummary, Lockout,
    LoginCount, NewRevision, NewUser, PeriodRecord, RevisionRecord, SessionRecord, Store,
    StoreError, UnitFigures, UserUpdate,
};
use serde_json::json;
use time::macros::date;

type Db = Arc<dyn Store>;

use innozone_store_sql::on_both_backends;

/// When the tests' writes happen: the store never reads the clock, its caller says.
const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

on_both_backends!(
    a_new_store_is_empty_and_says_which_backend,
    unit_plan_round_trips_through_the_hierarchy,
    reapplying_an_unchanged_unit_plan_changes_nothing,
    a_park_move_ends_the_old_membership,
    a_failing_unit_plan_writes_nothing,
    enterprise_plan_creates_updates_and_moves_with_audit,
    a_failing_enterprise_plan_writes_nothing,
    the_survey_flag_round_trips_through_plans_and_audit,
    stored_enterprises_are_found_by_code,
    search_filters_and_pages,
    unit_figures_count_by_date,
    load_dataset_reports_progress_and_refuses_a_second_load,
    a_failing_load_writes_nothing,
    users_roles_and_lock_out,
    concurrent_failures_lock_after_exactly_the_maximum,
    sessions_live_and_die,
    audit_is_newest_first_and_filtered,
    concurrent_writers_all_land,
    form_versions_are_kept_and_never_rewritten,
    periods_are_newest_first_and_deadlines_move,
    filings_keep_every_revision,
    closing_a_period_locks_once_per_unit,
    the_filings_fingerprint_moves_with_every_revision_and_only_then,
    the_surveyed_are_found_in_their_park_of_the_day,
    many_filings_are_written_in_chunks_with_progress,
);

// ---- helpers ----

fn admin() -> Principal {
    Principal {
        user_id: 1,
        username: "admin".into(),
        role: Role::Administrator,
        binding: Binding::Everything,
    }
}

fn actor() -> Actor {
    Actor::user(1, "admin", AT)
}

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

/// A valid credit code numbered `n` (Lanzhou division 620100).
fn credit(n: u32) -> CreditCode {
    CreditCode::complete(&format!("91620100MA{n:07}")).unwrap()
}

fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
    Table {
        sheet: None,
        header_row: 1,
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| Row {
                number: i + 2,
                cells: r
                    .iter()
                    .map(|c| {
                        if c.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(c.to_string())
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

const UNIT_HEADERS: &[&str] = &[
    "code",
    "name_zh",
    "kind",
    "parent_code",
    "member_since",
    "area_km2",
    "leading_industries",
    "spatial_role",
];

/// Plans a unit import from rows of `UNIT_HEADERS` against what the store holds.
async fn unit_plan(store: &Db, rows: &[&[&str]], today: Date) -> UnitImportPlan {
    let t = table(UNIT_HEADERS, rows);
    let parsed = parse_unit_rows(&t).expect("rows parse");
    let hierarchy = store.hierarchy().await.unwrap();
    plan_unit_import(&t, parsed, &hierarchy, &admin(), today).expect("plan is valid")
}

/// The Lanbai zone: district A from 2015, park P1 in A from 2015, park P2 in the zone
/// from 2020.
async fn lanbai(store: &Db) -> ImportSummary {
    let plan = unit_plan(
        store,
        &[
            &["LB", "兰白自创区", "zone", "", "", "", "", ""],
            &[
                "LB-A",
                "兰州高新区",
                "district",
                "LB",
                "2015-01-01",
                "",
                "",
                "core",
            ],
            &[
                "LB-P1",
                "雁滩园区",
                "park",
                "LB-A",
                "2015-01-01",
                "12.5",
                "总部经济、科技研发",
                "radiation",
            ],
            &[
                "LB-P2",
                "榆中园区",
                "park",
                "LB",
                "2020-01-01",
                "",
                "",
                "co_built",
            ],
        ],
        date!(2024 - 06 - 01),
    )
    .await;
    store.apply_unit_plan(&plan, &actor()).await.unwrap()
}

async fn unit_id(store: &Db, code: &str) -> UnitId {
    store
        .hierarchy()
        .await
        .unwrap()
        .unit_by_code(code)
        .unwrap_or_else(|| panic!("{code} is stored"))
        .id
}

const ENTERPRISE_HEADERS: &[&str] = &[
    "credit_code",
    "name",
    "industry_code",
    "size_class",
    "registration_type",
    "park_code",
    "located_since",
];

async fn enterprise_plan(store: &Db, rows: &[&[&str]], today: Date) -> EnterpriseImportPlan {
    let t = table(ENTERPRISE_HEADERS, rows);
    let parsed = parse_enterprise_rows(&t).expect("rows parse");
    let codes: Vec<CreditCode> = parsed.iter().map(|r| r.draft.credit_code.clone()).collect();
    let stored = store.stored_enterprises(&codes).await.unwrap();
    let hierarchy = store.hierarchy().await.unwrap();
    plan_enterprise_import(&t, parsed, &stored, &hierarchy, &admin(), today).expect("plan is valid")
}

async fn audit_all(store: &Db) -> (Vec<AuditEntry>, i64) {
    store
        .audit(&AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
}

async fn audit_count(store: &Db) -> i64 {
    audit_all(store).await.1
}

async fn enterprise_count(store: &Db) -> i64 {
    store
        .search_enterprises(&EnterpriseQuery::default())
        .await
        .unwrap()
        .total
}

fn draft(n: u32, name: &str, industry: &str, size: SizeClass) -> EnterpriseDraft {
    EnterpriseDraft {
        credit_code: credit(n),
        name: name.to_string(),
        industry: IndustryCode::parse(industry).unwrap(),
        high_tech_field: None,
        size_class: size,
        registration_type: RegistrationType::LimitedLiability,
        contact_name: None,
        contact_phone: None,
        in_survey: true,
    }
}

/// `draft`, out of the statistical survey.
fn out_of_survey(draft: EnterpriseDraft) -> EnterpriseDraft {
    EnterpriseDraft {
        in_survey: false,
        ..draft
    }
}

fn unit_draft(c: &str, kind: UnitKind) -> UnitDraft {
    UnitDraft {
        code: code(c),
        name_zh: c.to_string(),
        name_en: None,
        kind,
        area_km2: None,
        population: None,
        leading_industries: vec![],
        spatial_role: None,
    }
}

fn located(park: &str, from: Date, until: Option<Date>) -> DatasetLocation {
    DatasetLocation {
        park: code(park),
        from,
        until,
    }
}

fn recognised(tier: Tier, no: &str, issued_on: Date, expires_on: Option<Date>) -> Recognition {
    Recognition {
        tier,
        certificate_no: no.to_string(),
        issued_on,
        expires_on,
    }
}

/// A zone Z with parks P1 and P2 (from 2015) and six enterprises, chosen so that every
/// filter and count of the tests below has a different answer:
///
/// | # | name        | industry    | size  | locations                           | recognitions (tier: valid)           |
/// |---|-------------|-------------|-------|-------------------------------------|--------------------------------------|
/// | 1 | Alpha 材料  | 2710 C      | above | P1 2018-                            | HT 2020–2023, HT 2023–2026           |
/// | 2 | Beta 软件   | 6511 I      | below | P1 2018-                            | tech SME 2024-01-01–2025-01-01       |
/// | 3 | Gamma 电力  | 4411 D      | above | P2 2019-                            |                                      |
/// | 4 | Delta 采矿  | 0610 B      | below | P1 2016–2022, P2 2022-              | HT 2021-06-01, no expiry             |
/// | 5 | Epsilon 建筑| 4710 E      | above | P2 2017–2023 (left)                 |                                      |
/// | 6 | alpha 服务  | 7310 M      | below | P1 2025- (not yet arrived)          |                                      |
///
/// Beta and "alpha 服务" are out of the statistical survey (未入统); the others are in it.
fn six_enterprises() -> Dataset {
    let e = |draft, locations, recognitions| DatasetEnterprise {
        draft,
        locations,
        recognitions,
    };
    Dataset {
        units: vec![
            unit_draft("Z", UnitKind::Zone),
            unit_draft("P1", UnitKind::Park),
            unit_draft("P2", UnitKind::Park),
        ],
        memberships: vec![
            DatasetMembership {
                child: code("P1"),
                parent: code("Z"),
                from: date!(2015 - 01 - 01),
                until: None,
            },
            DatasetMembership {
                child: code("P2"),
                parent: code("Z"),
                from: date!(2015 - 01 - 01),
                until: None,
            },
        ],
        enterprises: vec![
            e(
                draft(1, "Alpha 材料", "2710", SizeClass::AboveScale),
                vec![located("P1", date!(2018 - 01 - 01), None)],
                vec![
                    recognised(
                        Tier::HighTech,
                        "HT-1",
                        date!(2020 - 01 - 01),
                        Some(date!(2023 - 01 - 01)),
                    ),
                    recognised(
                        Tier::HighTech,
                        "HT-2",
                        date!(2023 - 01 - 01),
                        Some(date!(2026 - 01 - 01)),
                    ),
                ],
            ),
            e(
                out_of_survey(draft(2, "Beta 软件", "6511", SizeClass::BelowScale)),
                vec![located("P1", date!(2018 - 01 - 01), None)],
                vec![recognised(
                    Tier::TechSme,
                    "TS-1",
                    date!(2024 - 01 - 01),
                    Some(date!(2025 - 01 - 01)),
                )],
            ),
            e(
                draft(3, "Gamma 电力", "4411", SizeClass::AboveScale),
                vec![located("P2", date!(2019 - 01 - 01), None)],
                vec![],
            ),
            e(
                draft(4, "Delta 采矿", "0610", SizeClass::BelowScale),
                vec![
                    located("P1", date!(2016 - 01 - 01), Some(date!(2022 - 01 - 01))),
                    located("P2", date!(2022 - 01 - 01), None),
                ],
                vec![recognised(
                    Tier::HighTech,
                    "HT-3",
                    date!(2021 - 06 - 01),
                    None,
                )],
            ),
            e(
                draft(5, "Epsilon 建筑", "4710", SizeClass::AboveScale),
                vec![located(
                    "P2",
                    date!(2017 - 01 - 01),
                    Some(date!(2023 - 01 - 01)),
                )],
                vec![],
            ),
            e(
                out_of_survey(draft(6, "alpha 服务", "7310", SizeClass::BelowScale)),
                vec![located("P1", date!(2025 - 01 - 01), None)],
                vec![],
            ),
        ],
    }
}

async fn load_six(store: &Db) {
    store
        .load_dataset(&six_enterprises(), &Actor::system(AT), &|_| {})
        .await
        .unwrap();
}

const TODAY: Date = date!(2024 - 06 - 01);

fn names(list: &innozone_store::EnterpriseList) -> Vec<&str> {
    list.items.iter().map(|e| e.name.as_str()).collect()
}

// ---- registry: units ----

async fn a_new_store_is_empty_and_says_which_backend(store: Db) {
    assert!(store.is_empty().await.unwrap());
    assert!(["sqlite", "postgres"].contains(&store.backend()));
    assert_eq!(store.hierarchy().await.unwrap().units().count(), 0);
    assert_eq!(audit_count(&store).await, 0);
    lanbai(&store).await;
    assert!(!store.is_empty().await.unwrap());
}

async fn unit_plan_round_trips_through_the_hierarchy(store: Db) {
    let summary = lanbai(&store).await;
    assert_eq!(
        summary,
        ImportSummary {
            created: 4,
            updated: 0,
            unchanged: 0,
            moved: 0
        }
    );

    let h = store.hierarchy().await.unwrap();
    assert_eq!(h.units().count(), 4);
    let p1 = h.unit_by_code("LB-P1").unwrap();
    assert_eq!(p1.name_zh, "雁滩园区");
    assert_eq!(p1.kind, UnitKind::Park);
    assert_eq!(p1.area_km2, Some(12.5));
    assert_eq!(
        p1.leading_industries,
        vec!["总部经济".to_string(), "科技研发".to_string()]
    );
    assert_eq!(p1.spatial_role, Some(SpatialRole::Radiation));
    let zone = h.unit_by_code("LB").unwrap().id;
    let district = h.unit_by_code("LB-A").unwrap().id;
    let p2 = h.unit_by_code("LB-P2").unwrap().id;

    assert_eq!(h.memberships().len(), 3);
    assert_eq!(
        h.memberships_of(p1.id),
        vec![&Membership {
            child: p1.id,
            parent: district,
            from: date!(2015 - 01 - 01),
            until: None
        }]
    );
    // P2 joins in 2020: before that it hangs loose.
    let t2019 = h.as_of(date!(2019 - 12 - 31));
    assert_eq!(t2019.children(zone), &[district]);
    assert_eq!(t2019.detached, vec![p2]);
    let t2020 = h.as_of(date!(2020 - 01 - 01));
    assert_eq!(t2020.children(zone), &[district, p2]);
    assert_eq!(t2020.path(p1.id), vec![zone, district, p1.id]);

    // 4 creations and 3 memberships, each with its record afterwards.
    let (entries, total) = audit_all(&store).await;
    assert_eq!(total, 7);
    let mut actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    actions.sort();
    assert_eq!(
        actions,
        ["membership.add"; 3]
            .iter()
            .chain(["unit.create"; 4].iter())
            .copied()
            .collect::<Vec<_>>()
    );
    let created = entries
        .iter()
        .find(|e| e.action == "unit.create" && e.entity_key == "LB-P1")
        .unwrap();
    assert_eq!(created.actor_name, "admin");
    assert_eq!(created.actor_id, Some(1));
    assert_eq!(created.before, None);
    assert_eq!(
        created.after.as_ref().unwrap()["name_zh"],
        json!("雁滩园区")
    );
    assert_eq!(created.after.as_ref().unwrap()["id"], json!(p1.id.0));
}

async fn reapplying_an_unchanged_unit_plan_changes_nothing(store: Db) {
    lanbai(&store).await;
    let before = audit_count(&store).await;
    let summary = lanbai(&store).await;
    assert_eq!(
        summary,
        ImportSummary {
            created: 0,
            updated: 0,
            unchanged: 4,
            moved: 0
        }
    );
    assert_eq!(audit_count(&store).await, before);
    assert_eq!(store.hierarchy().await.unwrap().memberships().len(), 3);
}

async fn a_park_move_ends_the_old_membership(store: Db) {
    lanbai(&store).await;
    let zone = unit_id(&store, "LB").await;
    let district = unit_id(&store, "LB-A").await;
    // P1 leaves the district for the zone itself on 2022-07-01 and is renamed.
    let plan = unit_plan(
        &store,
        &[&[
            "LB-P1",
            "雁滩高新园区",
            "park",
            "LB",
            "2022-07-01",
            "12.5",
            "总部经济、科技研发",
            "radiation",
        ]],
        date!(2024 - 06 - 01),
    )
    .await;
    assert_eq!(plan.memberships[0].ends_previous, Some(code("LB-A")));
    let summary = store.apply_unit_plan(&plan, &actor()).await.unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            created: 0,
            updated: 1,
            unchanged: 0,
            moved: 1
        }
    );

    let h = store.hierarchy().await.unwrap();
    let p1 = h.unit_by_code("LB-P1").unwrap();
    assert_eq!(p1.name_zh, "雁滩高新园区");
    assert_eq!(
        h.memberships_of(p1.id),
        vec![
            &Membership {
                child: p1.id,
                parent: district,
                from: date!(2015 - 01 - 01),
                until: Some(date!(2022 - 07 - 01))
            },
            &Membership {
                child: p1.id,
                parent: zone,
                from: date!(2022 - 07 - 01),
                until: None
            },
        ]
    );
    assert_eq!(h.as_of(date!(2022 - 06 - 30)).parent(p1.id), Some(district));
    assert_eq!(h.as_of(date!(2022 - 07 - 01)).parent(p1.id), Some(zone));

    let (entries, _) = store
        .audit(&AuditQuery {
            entity_key: Some("LB-P1".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let update = entries.iter().find(|e| e.action == "unit.update").unwrap();
    assert_eq!(
        update.before.as_ref().unwrap()["name_zh"],
        json!("雁滩园区")
    );
    assert_eq!(
        update.after.as_ref().unwrap()["name_zh"],
        json!("雁滩高新园区")
    );
    let ended = entries
        .iter()
        .find(|e| e.action == "membership.end")
        .unwrap();
    assert_eq!(
        ended.before.as_ref().unwrap()["until"],
        serde_json::Value::Null
    );
    assert_eq!(ended.after.as_ref().unwrap()["parent"], json!(district.0));
    assert_eq!(
        ended.after.as_ref().unwrap()["until"],
        serde_json::to_value(date!(2022 - 07 - 01)).unwrap()
    );
}

async fn a_failing_unit_plan_writes_nothing(store: Db) {
    lanbai(&store).await;
    let units = store.hierarchy().await.unwrap().units().count();
    let entries = audit_count(&store).await;

    // A new unit, then a membership under a parent that does not exist: the unit must not
    // survive the failure of the membership.
    let plan = UnitImportPlan {
        units: vec![UnitChange {
            row: 2,
            existing: None,
            draft: unit_draft("LB-P3", UnitKind::Park),
        }],
        memberships: vec![MembershipChange {
            row: 2,
            child: code("LB-P3"),
            parent: code("NOWHERE"),
            from: date!(2024 - 01 - 01),
            ends_previous: None,
        }],
    };
    let err = store.apply_unit_plan(&plan, &actor()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { entity: "unit", ref key } if key == "NOWHERE"),
        "{err:?}"
    );
    assert_eq!(store.hierarchy().await.unwrap().units().count(), units);
    assert!(
        store
            .hierarchy()
            .await
            .unwrap()
            .unit_by_code("LB-P3")
            .is_none()
    );
    assert_eq!(audit_count(&store).await, entries);

    // A plan made before someone else created the same unit.
    let stale = UnitImportPlan {
        units: vec![
            UnitChange {
                row: 2,
                existing: None,
                draft: unit_draft("LB-P4", UnitKind::Park),
            },
            UnitChange {
                row: 3,
                existing: None,
                draft: unit_draft("LB-P1", UnitKind::Park),
            },
        ],
        memberships: vec![],
    };
    let err = store.apply_unit_plan(&stale, &actor()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "unit", ref key } if key == "LB-P1"),
        "{err:?}"
    );
    assert!(
        store
            .hierarchy()
            .await
            .unwrap()
            .unit_by_code("LB-P4")
            .is_none()
    );
    assert_eq!(audit_count(&store).await, entries);
}

// ---- registry: enterprises ----

async fn enterprise_plan_creates_updates_and_moves_with_audit(store: Db) {
    lanbai(&store).await;
    let p1 = unit_id(&store, "LB-P1").await;
    let p2 = unit_id(&store, "LB-P2").await;
    let (a, b) = (credit(1), credit(2));
    let plan = enterprise_plan(
        &store,
        &[
            &[
                a.as_str(),
                "兰州甲科技有限公司",
                "6511",
                "规上",
                "有限责任公司",
                "LB-P1",
                "2019-03-01",
            ],
            &[
                b.as_str(),
                "兰州乙制药有限公司",
                "2710",
                "规下",
                "私营企业",
                "LB-P1",
                "2019-03-01",
            ],
        ],
        TODAY,
    )
    .await;
    let summary = store.apply_enterprise_plan(&plan, &actor()).await.unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            created: 2,
            updated: 0,
            unchanged: 0,
            moved: 0
        }
    );
    let first = store
        .enterprise_by_code(&a, today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.name, "兰州甲科技有限公司");
    assert_eq!(first.size_class, SizeClass::AboveScale);
    assert_eq!(first.park, Some(p1));
    assert_eq!(first.park_since, Some(date!(2019 - 03 - 01)));
    assert_eq!(
        store.enterprise(first.id, today()).await.unwrap().unwrap(),
        first
    );

    // A is renamed where it is; B moves to P2 on 2023-05-01 unchanged otherwise.
    let plan = enterprise_plan(
        &store,
        &[
            &[
                a.as_str(),
                "兰州甲信息技术有限公司",
                "6511",
                "规上",
                "有限责任公司",
                "LB-P1",
                "",
            ],
            &[
                b.as_str(),
                "兰州乙制药有限公司",
                "2710",
                "规下",
                "私营企业",
                "LB-P2",
                "2023-05-01",
            ],
        ],
        TODAY,
    )
    .await;
    let summary = store.apply_enterprise_plan(&plan, &actor()).await.unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            created: 0,
            updated: 1,
            unchanged: 0,
            moved: 1
        }
    );

    let second = store
        .enterprise_by_code(&b, today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.park, Some(p2));
    assert_eq!(second.park_since, Some(date!(2023 - 05 - 01)));
    assert_eq!(
        store.enterprise_locations(second.id).await.unwrap(),
        vec![
            Location {
                enterprise: second.id,
                park: p1,
                from: date!(2019 - 03 - 01),
                until: Some(date!(2023 - 05 - 01))
            },
            Location {
                enterprise: second.id,
                park: p2,
                from: date!(2023 - 05 - 01),
                until: None
            },
        ]
    );

    let history = |key: &CreditCode| {
        let store = store.clone();
        let key = key.to_string();
        async move {
            store
                .audit(&AuditQuery {
                    entity_key: Some(key),
                    limit: 10,
                    ..AuditQuery::default()
                })
                .await
                .unwrap()
                .0
        }
    };
    let of_a = history(&a).await;
    let actions: Vec<&str> = of_a.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["enterprise.update", "enterprise.move", "enterprise.create"]
    );
    assert_eq!(
        of_a[0].before.as_ref().unwrap()["name"],
        json!("兰州甲科技有限公司")
    );
    assert_eq!(
        of_a[0].after.as_ref().unwrap()["name"],
        json!("兰州甲信息技术有限公司")
    );
    assert_eq!(of_a[0].after.as_ref().unwrap()["park"], json!(p1.0));
    assert_eq!(
        of_a[2].after.as_ref().unwrap()["credit_code"],
        json!(a.as_str())
    );

    let of_b = history(&b).await;
    let actions: Vec<&str> = of_b.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["enterprise.move", "enterprise.move", "enterprise.create"]
    );
    let moved = &of_b[0];
    assert_eq!(moved.before.as_ref().unwrap()["park"], json!(p1.0));
    assert_eq!(moved.after.as_ref().unwrap()["park"], json!(p2.0));
    assert_eq!(of_b[1].before, None);

    // Applying the same file again changes nothing and writes no audit entry.
    let entries = audit_count(&store).await;
    let plan = enterprise_plan(
        &store,
        &[&[
            b.as_str(),
            "兰州乙制药有限公司",
            "2710",
            "规下",
            "私营企业",
            "LB-P2",
            "",
        ]],
        TODAY,
    )
    .await;
    let summary = store.apply_enterprise_plan(&plan, &actor()).await.unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            created: 0,
            updated: 0,
            unchanged: 1,
            moved: 0
        }
    );
    assert_eq!(audit_count(&store).await, entries);
}

async fn a_failing_enterprise_plan_writes_nothing(store: Db) {
    lanbai(&store).await;
    let p1 = unit_id(&store, "LB-P1").await;
    let plan = enterprise_plan(
        &store,
        &[&[
            credit(1).as_str(),
            "兰州甲科技有限公司",
            "6511",
            "规上",
            "有限责任公司",
            "LB-P1",
            "2019-03-01",
        ]],
        TODAY,
    )
    .await;
    store.apply_enterprise_plan(&plan, &actor()).await.unwrap();
    let entries = audit_count(&store).await;

    let new = |n: u32, park: UnitId| EnterpriseChange {
        row: 2,
        existing: None,
        draft: draft(n, "新企业", "6511", SizeClass::BelowScale),
        new_location: Some((park, date!(2024 - 01 - 01))),
    };
    // The third change repeats the first one's credit code.
    let duplicate = EnterpriseImportPlan {
        enterprises: vec![new(7, p1), new(8, p1), new(7, p1)],
    };
    let err = store
        .apply_enterprise_plan(&duplicate, &actor())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "enterprise", ref key } if *key == credit(7).to_string()),
        "{err:?}"
    );
    assert_eq!(enterprise_count(&store).await, 1);
    assert_eq!(
        store.enterprise_by_code(&credit(8), today()).await.unwrap(),
        None
    );
    assert_eq!(audit_count(&store).await, entries);

    // A park that does not exist breaks the foreign key after the enterprise row went in.
    let dangling = EnterpriseImportPlan {
        enterprises: vec![new(9, p1), new(10, UnitId(999_999))],
    };
    let err = store
        .apply_enterprise_plan(&dangling, &actor())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert_eq!(enterprise_count(&store).await, 1);
    assert_eq!(
        store.enterprise_by_code(&credit(9), today()).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .enterprise_by_code(&credit(10), today())
            .await
            .unwrap(),
        None
    );
    assert_eq!(audit_count(&store).await, entries);
}

async fn the_survey_flag_round_trips_through_plans_and_audit(store: Db) {
    lanbai(&store).await;
    let (a, b) = (credit(1), credit(2));
    let mut headers = ENTERPRISE_HEADERS.to_vec();
    headers.push("in_survey");
    let plan = |rows: Vec<[&str; 8]>| {
        let store = store.clone();
        let t = table(
            &headers,
            &rows.iter().map(|r| &r[..]).collect::<Vec<&[&str]>>(),
        );
        async move {
            let parsed = parse_enterprise_rows(&t).expect("rows parse");
            let codes: Vec<CreditCode> =
                parsed.iter().map(|r| r.draft.credit_code.clone()).collect();
            let stored = store.stored_enterprises(&codes).await.unwrap();
            let hierarchy = store.hierarchy().await.unwrap();
            plan_enterprise_import(&t, parsed, &stored, &hierarchy, &admin(), TODAY)
                .expect("plan is valid")
        }
    };
    fn row<'a>(code: &'a CreditCode, flag: &'a str) -> [&'a str; 8] {
        [
            code.as_str(),
            "兰州甲科技有限公司",
            "6511",
            "规上",
            "有限责任公司",
            "LB-P1",
            "2019-03-01",
            flag,
        ]
    }
    // A is created out of the survey; B, left blank, in it.
    let created = plan(vec![row(&a, "否"), row(&b, "")]).await;
    store
        .apply_enterprise_plan(&created, &actor())
        .await
        .unwrap();
    let first = store
        .enterprise_by_code(&a, today())
        .await
        .unwrap()
        .unwrap();
    assert!(!first.in_survey);
    assert!(
        store
            .enterprise_by_code(&b, today())
            .await
            .unwrap()
            .unwrap()
            .in_survey
    );
    assert_eq!(
        store.enterprise(first.id, today()).await.unwrap().unwrap(),
        first
    );

    // A blank keeps A out: nothing changes and no audit entry is written.
    let entries = audit_count(&store).await;
    let summary = store
        .apply_enterprise_plan(&plan(vec![row(&a, "")]).await, &actor())
        .await
        .unwrap();
    assert_eq!((summary.updated, summary.unchanged), (0, 1));
    assert_eq!(audit_count(&store).await, entries);

    // 是 puts A into the survey, with the change in the audit trail.
    let summary = store
        .apply_enterprise_plan(&plan(vec![row(&a, "是")]).await, &actor())
        .await
        .unwrap();
    assert_eq!(summary.updated, 1);
    assert!(
        store
            .enterprise_by_code(&a, today())
            .await
            .unwrap()
            .unwrap()
            .in_survey
    );
    let (entries, _) = store
        .audit(&AuditQuery {
            entity_key: Some(a.to_string()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(entries[0].action, "enterprise.update");
    assert_eq!(
        entries[0].before.as_ref().unwrap()["in_survey"],
        json!(false)
    );
    assert_eq!(entries[0].after.as_ref().unwrap()["in_survey"], json!(true));
    let created = entries.last().unwrap();
    assert_eq!(created.action, "enterprise.create");
    assert_eq!(created.after.as_ref().unwrap()["in_survey"], json!(false));
}

async fn stored_enterprises_are_found_by_code(store: Db) {
    load_six(&store).await;
    let p2 = unit_id(&store, "P2").await;
    let found = store
        .stored_enterprises(&[credit(4), credit(5), credit(99)])
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    let delta = &found[&credit(4)];
    assert_eq!(delta.draft.name, "Delta 采矿");
    assert_eq!(
        delta.location,
        Some(Location {
            enterprise: delta.id,
            park: p2,
            from: date!(2022 - 01 - 01),
            until: None
        })
    );
    assert!(delta.draft.in_survey);
    // Epsilon has left: no open location.
    assert_eq!(found[&credit(5)].location, None);
    // The bulk load kept the survey flag of each enterprise.
    let flags = store
        .stored_enterprises(&[credit(1), credit(2), credit(6)])
        .await
        .unwrap();
    assert!(flags[&credit(1)].draft.in_survey);
    assert!(!flags[&credit(2)].draft.in_survey);
    assert!(!flags[&credit(6)].draft.in_survey);
    assert_eq!(
        store.recognitions(delta.id).await.unwrap(),
        vec![recognised(
            Tier::HighTech,
            "HT-3",
            date!(2021 - 06 - 01),
            None
        )]
    );
    assert_eq!(
        store
            .enterprise(EnterpriseId(999_999), today())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .enterprise_by_code(&credit(99), today())
            .await
            .unwrap(),
        None
    );
    assert!(store.stored_enterprises(&[]).await.unwrap().is_empty());
}

async fn search_filters_and_pages(store: Db) {
    load_six(&store).await;
    let p1 = unit_id(&store, "P1").await;
    let p2 = unit_id(&store, "P2").await;
    let q = |f: &dyn Fn(&mut EnterpriseQuery)| {
        let mut query = EnterpriseQuery {
            today: Some(TODAY),
            limit: 50,
            ..EnterpriseQuery::default()
        };
        f(&mut query);
        query
    };
    let search = |query: EnterpriseQuery| {
        let store = store.clone();
        async move { store.search_enterprises(&query).await.unwrap() }
    };

    // Everything, in byte order of the names (upper case before lower case).
    let all = search(q(&|_| {})).await;
    assert_eq!(all.total, 6);
    assert_eq!(
        names(&all),
        [
            "Alpha 材料",
            "Beta 软件",
            "Delta 采矿",
            "Epsilon 建筑",
            "Gamma 电力",
            "alpha 服务"
        ]
    );
    let parks: Vec<Option<UnitId>> = all.items.iter().map(|e| e.park).collect();
    assert_eq!(parks, [Some(p1), Some(p1), Some(p2), None, Some(p2), None]);
    let tiers: Vec<Vec<Tier>> = all.items.iter().map(|e| e.tiers.clone()).collect();
    assert_eq!(
        tiers,
        [
            vec![Tier::HighTech],
            vec![Tier::TechSme],
            vec![Tier::HighTech],
            vec![],
            vec![],
            vec![]
        ]
    );

    let page = search(q(&|q| {
        q.offset = 2;
        q.limit = 2;
    }))
    .await;
    assert_eq!(
        (page.total, names(&page)),
        (6, vec!["Delta 采矿", "Epsilon 建筑"])
    );
    let past_the_end = search(q(&|q| q.offset = 6)).await;
    assert_eq!((past_the_end.total, past_the_end.items.len()), (6, 0));
    let count_only = search(q(&|q| q.limit = 0)).await;
    assert_eq!((count_only.total, count_only.items.len()), (6, 0));

    // Located in P1 today: Delta left it in 2022, "alpha 服务" arrives in 2025.
    let in_p1 = search(q(&|q| q.units = Some(vec![p1]))).await;
    assert_eq!(
        (in_p1.total, names(&in_p1)),
        (2, vec!["Alpha 材料", "Beta 软件"])
    );
    // Without a date, the open location counts, even one that starts later.
    let open_in_p1 = search(q(&|q| {
        q.units = Some(vec![p1]);
        q.today = None;
    }))
    .await;
    assert_eq!(open_in_p1.total, 3);
    let in_both = search(q(&|q| q.units = Some(vec![p1, p2]))).await;
    assert_eq!(in_both.total, 4);
    // A long list of units (a zone of many parks) is read another way, to the same result.
    let many: Vec<UnitId> = [p1]
        .into_iter()
        .chain((1_000_000..1_000_200).map(UnitId))
        .collect();
    let in_p1_of_many = search(q(&|q| q.units = Some(many.clone()))).await;
    assert_eq!(in_p1_of_many, in_p1);
    let second_of_many = search(q(&|q| {
        q.units = Some(many.clone());
        q.offset = 1;
        q.size_class = Some(SizeClass::BelowScale);
    }))
    .await;
    assert_eq!((second_of_many.total, second_of_many.items.len()), (1, 0));
    assert_eq!(search(q(&|q| q.units = Some(vec![]))).await.total, 0);
    // On 2020-06-01 Delta was in P1 and Epsilon in P2.
    let in_2020 = search(q(&|q| {
        q.units = Some(vec![p1]);
        q.today = Some(date!(2020 - 06 - 01));
    }))
    .await;
    assert_eq!(names(&in_2020), ["Alpha 材料", "Beta 软件", "Delta 采矿"]);
    assert_eq!(in_2020.items[2].park, Some(p1));

    // Text: name (ASCII case folded) or credit code.
    let alpha = search(q(&|q| q.text = Some("ALPHA".into()))).await;
    assert_eq!(names(&alpha), ["Alpha 材料", "alpha 服务"]);
    assert_eq!(
        names(&search(q(&|q| q.text = Some(" 材料 ".into()))).await),
        ["Alpha 材料"]
    );
    let by_code = search(q(&|q| {
        q.text = Some(credit(3).as_str()[8..].to_lowercase())
    }))
    .await;
    assert_eq!(names(&by_code), ["Gamma 电力"]);
    assert_eq!(search(q(&|q| q.text = Some("%".into()))).await.total, 0);
    assert_eq!(search(q(&|q| q.text = Some("_".into()))).await.total, 0);

    // Industry prefix, size class and tier.
    assert_eq!(
        names(&search(q(&|q| q.industry_prefix = Some("27".into()))).await),
        ["Alpha 材料"]
    );
    assert_eq!(
        names(&search(q(&|q| q.industry_prefix = Some("06".into()))).await),
        ["Delta 采矿"]
    );
    assert_eq!(
        names(&search(q(&|q| q.industry_prefix = Some("4".into()))).await),
        ["Epsilon 建筑", "Gamma 电力"]
    );
    let above = search(q(&|q| q.size_class = Some(SizeClass::AboveScale))).await;
    assert_eq!(names(&above), ["Alpha 材料", "Epsilon 建筑", "Gamma 电力"]);
    let high_tech = search(q(&|q| q.tier = Some(Tier::HighTech))).await;
    assert_eq!(names(&high_tech), ["Alpha 材料", "Delta 采矿"]);
    // In 2021-01-01 Delta's certificate was not issued yet, and Alpha's first was valid.
    let high_tech_2021 = search(q(&|q| {
        q.tier = Some(Tier::HighTech);
        q.today = Some(date!(2021 - 01 - 01));
    }))
    .await;
    assert_eq!(names(&high_tech_2021), ["Alpha 材料"]);
    let combined = search(q(&|q| {
        q.units = Some(vec![p2]);
        q.tier = Some(Tier::HighTech);
    }))
    .await;
    assert_eq!(names(&combined), ["Delta 采矿"]);

    // In or out of the statistical survey.
    let out = search(q(&|q| q.in_survey = Some(false))).await;
    assert_eq!(names(&out), ["Beta 软件", "alpha 服务"]);
    assert!(out.items.iter().all(|e| !e.in_survey));
    let surveyed = search(q(&|q| q.in_survey = Some(true))).await;
    assert_eq!(
        names(&surveyed),
        ["Alpha 材料", "Delta 采矿", "Epsilon 建筑", "Gamma 电力"]
    );
    // With units, not only the location index: P1 today holds Alpha (in) and Beta (out).
    let out_in_p1 = search(q(&|q| {
        q.units = Some(vec![p1]);
        q.in_survey = Some(false);
    }))
    .await;
    assert_eq!((out_in_p1.total, names(&out_in_p1)), (1, vec!["Beta 软件"]));

    // Only the given enterprises (a filer's own).
    let ids: Vec<EnterpriseId> = all
        .items
        .iter()
        .filter(|e| e.name.starts_with('B') || e.name.starts_with('G'))
        .map(|e| e.id)
        .collect();
    let only = search(q(&|q| q.only = Some(ids.clone()))).await;
    assert_eq!(names(&only), ["Beta 软件", "Gamma 电力"]);
    assert_eq!(search(q(&|q| q.only = Some(vec![]))).await.total, 0);
}

async fn unit_figures_count_by_date(store: Db) {
    load_six(&store).await;
    let zone = unit_id(&store, "Z").await;
    let p1 = unit_id(&store, "P1").await;
    let p2 = unit_id(&store, "P2").await;
    let figures = |enterprises, above_scale, high_tech, industrial| UnitFigures {
        enterprises,
        above_scale,
        high_tech,
        industrial,
    };

    let today = store.unit_figures(&[zone, p1, p2], TODAY).await.unwrap();
    assert_eq!(
        today,
        HashMap::from([
            // Nothing is located in the zone directly.
            (zone, figures(0, 0, 0, 0)),
            // Alpha (above, high-tech, 2710) and Beta (below, 6511).
            (p1, figures(2, 1, 1, 1)),
            // Gamma (above, 4411) and Delta (below, high-tech, 0610).
            (p2, figures(2, 1, 1, 2)),
        ])
    );

    let in_2020 = store
        .unit_figures(&[p1, p2], date!(2020 - 06 - 01))
        .await
        .unwrap();
    // P1: Alpha (HT 2020-2023 valid), Beta, Delta (HT only from 2021-06). P2: Gamma, Epsilon.
    assert_eq!(in_2020[&p1], figures(3, 1, 1, 2));
    assert_eq!(in_2020[&p2], figures(2, 2, 0, 1));
    assert!(store.unit_figures(&[], TODAY).await.unwrap().is_empty());

    // A long list of units is counted in one pass over the registry, to the same result.
    let many: Vec<UnitId> = [zone, p1, p2]
        .into_iter()
        .chain((1_000_000..1_000_200).map(UnitId))
        .collect();
    let all = store.unit_figures(&many, TODAY).await.unwrap();
    assert_eq!(all.len(), 203);
    assert_eq!(
        (all[&zone], all[&p1], all[&p2]),
        (today[&zone], today[&p1], today[&p2])
    );
    assert_eq!(all[&UnitId(1_000_000)], UnitFigures::default());
    let one_park_of_many: Vec<UnitId> = [p2]
        .into_iter()
        .chain((1_000_000..1_000_200).map(UnitId))
        .collect();
    let in_2020_of_many = store
        .unit_figures(&one_park_of_many, date!(2020 - 06 - 01))
        .await
        .unwrap();
    assert_eq!(in_2020_of_many[&p2], in_2020[&p2]);
    assert!(!in_2020_of_many.contains_key(&p1));
}

async fn load_dataset_reports_progress_and_refuses_a_second_load(store: Db) {
    // Enough enterprises for several statements on either backend.
    let mut dataset = six_enterprises();
    dataset.enterprises.truncate(1);
    for n in 100..9_100u32 {
        dataset.enterprises.push(DatasetEnterprise {
            draft: draft(
                n,
                &format!("企业{n:05}"),
                if n % 2 == 0 { "2710" } else { "6511" },
                SizeClass::BelowScale,
            ),
            locations: vec![
                located("P2", date!(2015 - 01 - 01), Some(date!(2020 - 01 - 01))),
                located("P1", date!(2020 - 01 - 01), None),
            ],
            recognitions: if n % 3 == 0 {
                vec![recognised(
                    Tier::HighTech,
                    &format!("GR{n}"),
                    date!(2022 - 01 - 01),
                    Some(date!(2025 - 01 - 01)),
                )]
            } else {
                vec![]
            },
        });
    }
    let seen = Mutex::new(Vec::new());
    let summary = store
        .load_dataset(&dataset, &Actor::system(AT), &|n| {
            seen.lock().unwrap().push(n)
        })
        .await
        .unwrap();
    assert_eq!(summary.created, 3 + 9_001);
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() > 1, "progress after each statement: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(seen.last(), Some(&9_001));

    let p1 = unit_id(&store, "P1").await;
    let figures = store.unit_figures(&[p1], TODAY).await.unwrap()[&p1];
    // 9,000 generated ones plus Alpha; every third generated one high-tech (3,000), half
    // of them manufacturing (4,500), Alpha both.
    assert_eq!(
        figures,
        UnitFigures {
            enterprises: 9_001,
            above_scale: 1,
            high_tech: 3_001,
            industrial: 4_501
        }
    );

    let (entries, total) = audit_all(&store).await;
    assert_eq!(total, 1);
    assert_eq!(entries[0].action, "dataset.load");
    assert_eq!(entries[0].actor_name, "system");
    assert_eq!(entries[0].actor_id, None);
    assert_eq!(
        entries[0].after,
        Some(
            json!({"units": 3, "memberships": 2, "enterprises": 9_001, "locations": 18_001, "recognitions": 3_002})
        )
    );

    let err = store
        .load_dataset(&six_enterprises(), &Actor::system(AT), &|_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "unit", .. }),
        "{err:?}"
    );
    assert_eq!(enterprise_count(&store).await, 9_001);
    assert_eq!(audit_count(&store).await, 1);
}

async fn a_failing_load_writes_nothing(store: Db) {
    // Refused before writing: a certificate number twice in its tier (the same number in
    // another tier is another certificate).
    let mut twice = six_enterprises();
    twice.enterprises[2].recognitions.push(recognised(
        Tier::HighTech,
        "HT-1",
        date!(2022 - 01 - 01),
        None,
    ));
    let err = store
        .load_dataset(&twice, &Actor::system(AT), &|_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "recognition", ref key } if key == "HT-1"),
        "{err:?}"
    );
    assert!(store.is_empty().await.unwrap());

    // Refused by the database after units and enterprises went in: a location that ends
    // before it begins breaks a CHECK constraint.
    let mut backwards = six_enterprises();
    backwards.enterprises[5].locations = vec![located(
        "P1",
        date!(2025 - 01 - 01),
        Some(date!(2024 - 01 - 01)),
    )];
    let err = store
        .load_dataset(&backwards, &Actor::system(AT), &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert!(store.is_empty().await.unwrap());
    assert_eq!(enterprise_count(&store).await, 0);
    assert_eq!(audit_count(&store).await, 0);

    // And the store still takes a good load afterwards.
    load_six(&store).await;
    assert_eq!(enterprise_count(&store).await, 6);
}

// ---- accounts ----

fn new_user(name: &str, role: Role, binding: Binding) -> NewUser {
    NewUser {
        username: Username::parse(name).unwrap(),
        display_name: format!("{name} 用户"),
        role,
        binding,
        password_hash: "$argon2id$v=19$first".to_string(),
        must_change_password: true,
    }
}

async fn users_roles_and_lock_out(store: Db) {
    lanbai(&store).await;
    let p1 = unit_id(&store, "LB-P1").await;
    let zone = unit_id(&store, "LB").await;
    let system = Actor::system(AT);

    let admin = store
        .create_user(
            &new_user("admin", Role::Administrator, Binding::Everything),
            &system,
        )
        .await
        .unwrap();
    assert!(admin.active);
    assert_eq!(admin.failed_logins, 0);
    assert!(admin.must_change_password);
    let staff = store
        .create_user(
            &new_user("Park.Staff", Role::ParkStaff, Binding::Unit(p1)),
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(staff.username.as_str(), "park.staff");
    assert_eq!(store.user(staff.id).await.unwrap(), Some(staff.clone()));
    assert_eq!(
        store
            .user_by_username(&Username::parse("PARK.STAFF").unwrap())
            .await
            .unwrap(),
        Some(staff.clone())
    );
    assert_eq!(store.user(999_999).await.unwrap(), None);
    let listed: Vec<String> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username.to_string())
        .collect();
    assert_eq!(listed, ["admin", "park.staff"]);

    let err = store
        .create_user(
            &new_user("admin", Role::Public, Binding::Everything),
            &system,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "user", ref key } if key == "admin"),
        "{err:?}"
    );

    // Promoted to the zone and renamed.
    let update = UserUpdate {
        display_name: "张伟".into(),
        role: Role::ZoneStaff,
        binding: Binding::Unit(zone),
        active: true,
    };
    let updated = store
        .update_user(staff.id, &update, &Actor::user(admin.id, "admin", AT))
        .await
        .unwrap();
    assert_eq!(
        (updated.role, updated.binding, updated.display_name.as_str()),
        (Role::ZoneStaff, Binding::Unit(zone), "张伟")
    );
    assert_eq!(store.user(staff.id).await.unwrap(), Some(updated.clone()));
    let err = store
        .update_user(999_999, &update, &system)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { entity: "user", .. }),
        "{err:?}"
    );

    store
        .set_password(
            staff.id,
            "$argon2id$v=19$second",
            false,
            &Actor::user(staff.id, "park.staff", AT),
        )
        .await
        .unwrap();
    let changed = store.user(staff.id).await.unwrap().unwrap();
    assert_eq!(changed.password_hash, "$argon2id$v=19$second");
    assert!(!changed.must_change_password);

    let (entries, _) = store
        .audit(&AuditQuery {
            entity: Some("user".into()),
            entity_key: Some("park.staff".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user.password", "user.update", "user.create"]);
    assert_eq!(
        entries[1].before.as_ref().unwrap()["role"],
        json!("park_staff")
    );
    assert_eq!(
        entries[1].after.as_ref().unwrap()["role"],
        json!("zone_staff")
    );
    assert_eq!(
        entries[1].after.as_ref().unwrap()["binding"],
        json!({"kind": "unit", "id": zone.0})
    );
    assert_eq!(
        entries[0].before.as_ref().unwrap()["must_change_password"],
        json!(true)
    );
    assert_eq!(
        entries[0].after.as_ref().unwrap()["must_change_password"],
        json!(false)
    );
    // The hash never reaches the trail.
    for e in &entries {
        for record in [&e.before, &e.after].into_iter().flatten() {
            assert!(record.get("password_hash").is_none(), "{record}");
        }
    }

    // Lock-out at three: two failures, a third that locks; a fourth against the lock is
    // neither counted nor extends it.
    let lockout = Lockout {
        max_failures: 3,
        until: AT + 900,
    };
    let count = |failed_logins, locked_until| {
        Some(LoginCount {
            failed_logins,
            locked_until,
        })
    };
    let fail = |now| store.record_login_failure(staff.id, now, lockout);
    assert_eq!(fail(AT).await.unwrap(), count(1, None));
    assert_eq!(fail(AT + 1).await.unwrap(), count(2, None));
    assert_eq!(fail(AT + 2).await.unwrap(), count(3, Some(AT + 900)));
    assert_eq!(fail(AT + 3).await.unwrap(), None);
    let locked = store.user(staff.id).await.unwrap().unwrap();
    assert_eq!(
        (locked.failed_logins, locked.locked_until),
        (3, Some(AT + 900))
    );
    // The right password does not open a lock that holds...
    assert!(
        !store
            .record_login_success(staff.id, AT + 899)
            .await
            .unwrap()
    );
    let still = store.user(staff.id).await.unwrap().unwrap();
    assert_eq!(
        (still.failed_logins, still.locked_until),
        (3, Some(AT + 900))
    );
    // ...and once it has run out a failure starts the count afresh.
    let later = Lockout {
        until: AT + 1900,
        ..lockout
    };
    assert_eq!(
        store
            .record_login_failure(staff.id, AT + 900, later)
            .await
            .unwrap(),
        count(1, None)
    );
    assert!(
        store
            .record_login_success(staff.id, AT + 901)
            .await
            .unwrap()
    );
    let unlocked = store.user(staff.id).await.unwrap().unwrap();
    assert_eq!((unlocked.failed_logins, unlocked.locked_until), (0, None));
    // A manager's reset clears a lock that holds.
    for at in 0..3 {
        fail(AT + 10 + at).await.unwrap();
    }
    store.clear_login_failures(staff.id).await.unwrap();
    let reset = store.user(staff.id).await.unwrap().unwrap();
    assert_eq!((reset.failed_logins, reset.locked_until), (0, None));
    assert!(matches!(
        store.record_login_failure(999_999, AT, lockout).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.record_login_success(999_999, AT).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.clear_login_failures(999_999).await,
        Err(StoreError::NotFound { .. })
    ));

    // Deactivated.
    let off = UserUpdate {
        active: false,
        ..update
    };
    assert!(
        !store
            .update_user(staff.id, &off, &system)
            .await
            .unwrap()
            .active
    );
    assert!(!store.user(staff.id).await.unwrap().unwrap().active);
}

/// The hardening issue's race: forty wrong passwords at once, each counted and judged
/// in one statement, lock the account after exactly the fifth; a right password coming
/// in among them after the lock does not reset it.
async fn concurrent_failures_lock_after_exactly_the_maximum(store: Db) {
    let user = store
        .create_user(
            &new_user("raced", Role::Public, Binding::Everything),
            &Actor::system(AT),
        )
        .await
        .unwrap();
    let lockout = Lockout {
        max_failures: 5,
        until: AT + 900,
    };
    let id = user.id;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let store = store.clone();
        attempts.spawn(async move { store.record_login_failure(id, AT, lockout).await });
    }
    let mut counted = Vec::new();
    while let Some(done) = attempts.join_next().await {
        if let Some(count) = done.unwrap().unwrap() {
            counted.push(count);
        }
    }
    counted.sort_by_key(|c| c.failed_logins);
    let counts: Vec<i64> = counted.iter().map(|c| c.failed_logins).collect();
    assert_eq!(
        counts,
        [1, 2, 3, 4, 5],
        "only the attempts before the lock count"
    );
    let locks: Vec<Option<i64>> = counted.iter().map(|c| c.locked_until).collect();
    assert_eq!(locks, [None, None, None, None, Some(AT + 900)]);
    let stored = store.user(user.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.failed_logins, stored.locked_until),
        (5, Some(AT + 900))
    );

    // Right and wrong passwords at once against the lock reached first: nothing resets it.
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..20 {
        let store = store.clone();
        attempts.spawn(async move {
            if i % 4 == 0 {
                store
                    .record_login_success(id, AT + 1)
                    .await
                    .map(|ok| ok.then_some(()))
            } else {
                store
                    .record_login_failure(id, AT + 1, lockout)
                    .await
                    .map(|c| c.map(|_| ()))
            }
        });
    }
    while let Some(done) = attempts.join_next().await {
        assert_eq!(done.unwrap().unwrap(), None, "every attempt meets the lock");
    }
    let stored = store.user(user.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.failed_logins, stored.locked_until),
        (5, Some(AT + 900))
    );
}

async fn sessions_live_and_die(store: Db) {
    let system = Actor::system(AT);
    let a = store
        .create_user(
            &new_user("alice", Role::Administrator, Binding::Everything),
            &system,
        )
        .await
        .unwrap();
    let b = store
        .create_user(&new_user("bob", Role::Public, Binding::Everything), &system)
        .await
        .unwrap();
    let session = |hash: &str, user: i64| SessionRecord {
        token_hash: hash.to_string(),
        user_id: user,
        csrf_token: format!("csrf-{hash}"),
        created_at: 1_700_000_000,
        expires_at: 1_700_086_400,
    };
    for (hash, user) in [("h1", a.id), ("h2", a.id), ("h3", b.id)] {
        store.create_session(&session(hash, user)).await.unwrap();
    }
    assert_eq!(
        store.session("h1").await.unwrap(),
        Some(session("h1", a.id))
    );
    assert_eq!(store.session("nope").await.unwrap(), None);
    let err = store
        .create_session(&session("h1", b.id))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Duplicate {
                entity: "session",
                ..
            }
        ),
        "{err:?}"
    );

    store.delete_session("h1").await.unwrap();
    assert_eq!(store.session("h1").await.unwrap(), None);
    store.delete_session("h1").await.unwrap();
    store.create_session(&session("h4", a.id)).await.unwrap();
    store.create_session(&session("h5", a.id)).await.unwrap();
    store.delete_other_sessions(a.id, "h4").await.unwrap();
    assert_eq!(store.session("h2").await.unwrap(), None);
    assert_eq!(store.session("h5").await.unwrap(), None);
    assert_eq!(
        store.session("h4").await.unwrap(),
        Some(session("h4", a.id)),
        "the session that changed the password lives on"
    );
    assert_eq!(
        store.session("h3").await.unwrap(),
        Some(session("h3", b.id)),
        "another user's session is left alone"
    );
    store.delete_user_sessions(a.id).await.unwrap();
    assert_eq!(store.session("h4").await.unwrap(), None);
    assert_eq!(
        store.session("h3").await.unwrap(),
        Some(session("h3", b.id))
    );
}

async fn audit_is_newest_first_and_filtered(store: Db) {
    lanbai(&store).await;
    let system = Actor::system(AT);
    for name in ["user1", "user2", "user3"] {
        store
            .create_user(&new_user(name, Role::Public, Binding::Everything), &system)
            .await
            .unwrap();
    }
    // 7 entries of the Lanbai plan by "admin", then 3 by "system".
    let (all, total) = audit_all(&store).await;
    assert_eq!(total, 10);
    assert!(
        all.windows(2)
            .all(|w| (w[0].at, w[0].id) > (w[1].at, w[1].id))
    );
    assert_eq!(all[0].entity_key, "user3");

    let by_system = AuditQuery {
        actor_name: Some("system".into()),
        offset: 1,
        limit: 1,
        ..AuditQuery::default()
    };
    let (page, total) = store.audit(&by_system).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].entity_key, "user2");
    let units = AuditQuery {
        entity: Some("unit".into()),
        limit: 100,
        ..AuditQuery::default()
    };
    assert_eq!(store.audit(&units).await.unwrap().1, 4);
    let none = AuditQuery {
        entity: Some("nothing".into()),
        limit: 100,
        ..AuditQuery::default()
    };
    assert_eq!(store.audit(&none).await.unwrap(), (vec![], 0));
}

async fn concurrent_writers_all_land(store: Db) {
    // Each update reads the user and then writes it: with SQLite's deferred transactions two
    // such writers would fail at once with "database is locked" instead of queueing.
    let system = Actor::system(AT);
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(
            store
                .create_user(
                    &new_user(&format!("user{i}"), Role::Public, Binding::Everything),
                    &system,
                )
                .await
                .unwrap()
                .id,
        );
    }
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let store = store.clone();
            let id = *id;
            tokio::spawn(async move {
                let update = UserUpdate {
                    display_name: format!("改名 {id}"),
                    role: Role::Public,
                    binding: Binding::Everything,
                    active: true,
                };
                store.update_user(id, &update, &Actor::system(AT)).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    for id in ids {
        assert_eq!(
            store.user(id).await.unwrap().unwrap().display_name,
            format!("改名 {id}")
        );
    }
    assert_eq!(audit_count(&store).await, 16);
}

// ---- reporting ----

/// A quarterly form of two fields; `name` tells definitions of one version apart.
fn form(code: &str, version: u32, name: &str) -> Form {
    Form::parse(&format!(
        r#"
code = "{code}"
version = {version}
name_zh = "{name}"
name_en = "{name}"
period = "quarterly"
deadline_days = 15

[[fields]]
code = "employees"
zh = "从业人员"
en = "Employees"
unit = "persons"
type = "integer"

[[fields]]
code = "revenue"
zh = "营业收入"
en = "Revenue"
unit = "thousand_yuan"
type = "decimal"
"#
    ))
    .unwrap()
}

const Q1: Period = Period::Quarter(2025, 1);

/// The form "mini" v1 and its period 2025Q1, due 2025-04-15.
async fn mini_period(store: &Db) {
    store
        .save_form(&form("mini", 1, "小表"), &actor())
        .await
        .unwrap();
    store
        .save_period(&quarter(Q1, date!(2025 - 04 - 15)), &actor())
        .await
        .unwrap();
}

fn quarter(period: Period, deadline: Date) -> PeriodRecord {
    PeriodRecord {
        form_code: "mini".into(),
        period,
        form_version: 1,
        deadline,
    }
}

/// The id of enterprise `n` of `six_enterprises()`.
async fn six(store: &Db, n: u32) -> EnterpriseId {
    store
        .enterprise_by_code(&credit(n), today())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("enterprise {n} is stored"))
        .id
}

fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// A step of "mini" 2025Q1 by `enterprise`, after revision `after`, at `at`, in the state
/// the action leads to from a draft or a submission; no values, explanations or note.
fn step(enterprise: EnterpriseId, after: i32, action: FilingAction, at: i64) -> NewRevision {
    let (status, locked) = match action {
        FilingAction::SaveDraft => (FilingStatus::Draft, false),
        FilingAction::Submit => (FilingStatus::Submitted, false),
        FilingAction::Approve => (FilingStatus::Approved, false),
        FilingAction::Return | FilingAction::Reopen => (FilingStatus::Returned, false),
        FilingAction::Lock => (FilingStatus::Approved, true),
    };
    NewRevision {
        form_code: "mini".into(),
        form_version: 1,
        period: Q1,
        enterprise,
        after_revision: after,
        action,
        state: FilingState { status, locked },
        values: BTreeMap::new(),
        explanations: BTreeMap::new(),
        note: None,
        actor: None,
        at,
    }
}

async fn filing_of(store: &Db, enterprise: EnterpriseId) -> Option<FilingRecord> {
    store.filing("mini", Q1, enterprise).await.unwrap()
}

fn is_conflict(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Conflict {
            entity: "filing",
            ..
        }
    )
}

async fn form_versions_are_kept_and_never_rewritten(store: Db) {
    let v1 = form("mini", 1, "小表");
    store.save_form(&v1, &actor()).await.unwrap();
    let audited = audit_count(&store).await;

    // The same definition again is accepted and changes nothing.
    store.save_form(&v1, &actor()).await.unwrap();
    assert_eq!(audit_count(&store).await, audited);
    // Another definition under the same code and version is refused.
    let err = store
        .save_form(&form("mini", 1, "改过的小表"), &actor())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "form", .. }),
        "{err:?}"
    );
    assert_eq!(store.form("mini", 1).await.unwrap(), Some(v1.clone()));
    assert_eq!(audit_count(&store).await, audited);

    let v2 = form("mini", 2, "小表二版");
    let annual = form("annual", 1, "年表");
    store.save_form(&v2, &actor()).await.unwrap();
    store.save_form(&annual, &actor()).await.unwrap();

    // The latest version of each code, by code.
    assert_eq!(store.forms().await.unwrap(), vec![annual, v2.clone()]);
    assert_eq!(store.form("mini", 1).await.unwrap(), Some(v1));
    assert_eq!(store.form("mini", 2).await.unwrap(), Some(v2));
    assert_eq!(store.form("mini", 3).await.unwrap(), None);
    assert_eq!(store.form("other", 1).await.unwrap(), None);
    assert_eq!(store.form_versions("mini").await.unwrap(), vec![1, 2]);
    assert_eq!(store.form_versions("annual").await.unwrap(), vec![1]);
    assert!(store.form_versions("other").await.unwrap().is_empty());

    let (entries, _) = audit_all(&store).await;
    let created: Vec<(&str, &str, &str)> = entries
        .iter()
        .rev()
        .map(|e| (e.action.as_str(), e.entity.as_str(), e.entity_key.as_str()))
        .collect();
    assert_eq!(
        created,
        vec![
            ("form.create", "form", "mini v1"),
            ("form.create", "form", "mini v2"),
            ("form.create", "form", "annual v1"),
        ]
    );
}

async fn periods_are_newest_first_and_deadlines_move(store: Db) {
    store
        .save_form(&form("mini", 1, "小表"), &actor())
        .await
        .unwrap();
    let q = |y, n, deadline| quarter(Period::Quarter(y, n), deadline);
    for p in [
        q(2025, 1, date!(2025 - 04 - 15)),
        q(2025, 3, date!(2025 - 10 - 15)),
        q(2024, 4, date!(2025 - 01 - 15)),
        q(2025, 2, date!(2025 - 07 - 15)),
    ] {
        store.save_period(&p, &actor()).await.unwrap();
    }
    let listed = |periods: Vec<PeriodRecord>| -> Vec<(Period, Date)> {
        periods
            .into_iter()
            .map(|p| (p.period, p.deadline))
            .collect()
    };
    assert_eq!(
        listed(store.periods("mini").await.unwrap()),
        vec![
            (Period::Quarter(2025, 3), date!(2025 - 10 - 15)),
            (Period::Quarter(2025, 2), date!(2025 - 07 - 15)),
            (Period::Quarter(2025, 1), date!(2025 - 04 - 15)),
            (Period::Quarter(2024, 4), date!(2025 - 01 - 15)),
        ]
    );
    assert_eq!(
        store
            .period("mini", Period::Quarter(2025, 2))
            .await
            .unwrap(),
        Some(q(2025, 2, date!(2025 - 07 - 15)))
    );
    assert_eq!(
        store
            .period("mini", Period::Quarter(2025, 4))
            .await
            .unwrap(),
        None
    );
    assert!(store.periods("annual").await.unwrap().is_empty());

    // Saving an open period again moves its deadline.
    store
        .save_period(&q(2025, 1, date!(2025 - 04 - 30)), &actor())
        .await
        .unwrap();
    assert_eq!(
        store.period("mini", Q1).await.unwrap(),
        Some(q(2025, 1, date!(2025 - 04 - 30)))
    );
    assert_eq!(store.periods("mini").await.unwrap().len(), 4);
    let (entries, _) = audit_all(&store).await;
    assert_eq!(entries[0].action, "period.save");
    assert_eq!(entries[0].entity, "period");
    assert_eq!(entries[0].entity_key, "mini/2025Q1");
}

async fn filings_keep_every_revision(store: Db) {
    load_six(&store).await;
    mini_period(&store).await;
    let (alpha, beta, gamma, delta, epsilon) = (
        six(&store, 1).await,
        six(&store, 2).await,
        six(&store, 3).await,
        six(&store, 4).await,
        six(&store, 5).await,
    );

    // Three new filings in one call: a draft, a submission with an explanation, and a
    // submission recorded in the enterprise's name.
    let gamma_first = values(&[("employees", 50.0), ("revenue", 1234.5)]);
    let explained: BTreeMap<String, String> = [("S02".to_string(), "季节性".to_string())].into();
    let seen = Mutex::new(Vec::new());
    let written = store
        .record_revisions(
            &[
                NewRevision {
                    values: values(&[("employees", 100.0)]),
                    ..step(alpha, 0, FilingAction::SaveDraft, 1000)
                },
                NewRevision {
                    values: gamma_first.clone(),
                    explanations: explained.clone(),
                    ..step(gamma, 0, FilingAction::Submit, 1001)
                },
                NewRevision {
                    values: values(&[("employees", 7.0)]),
                    actor: Some(Actor::user(7, "delta", AT)),
                    ..step(delta, 0, FilingAction::Submit, 1002)
                },
            ],
            &actor(),
            &|n| seen.lock().unwrap().push(n),
        )
        .await
        .unwrap();
    assert_eq!(written, 3);
    assert_eq!(seen.lock().unwrap().last(), Some(&3));

    let a = filing_of(&store, alpha).await.expect("alpha filed");
    assert_eq!(
        a,
        FilingRecord {
            id: a.id,
            form_code: "mini".into(),
            form_version: 1,
            period: Q1,
            enterprise: alpha,
            state: FilingState {
                status: FilingStatus::Draft,
                locked: false
            },
            revision: 1,
            values: values(&[("employees", 100.0)]),
            explanations: BTreeMap::new(),
            first_submitted_at: None,
            updated_at: 1000,
            note: None,
        }
    );
    let g = filing_of(&store, gamma).await.expect("gamma filed");
    assert_eq!(g.state.status, FilingStatus::Submitted);
    assert_eq!((g.revision, g.first_submitted_at), (1, Some(1001)));
    assert_eq!((&g.values, &g.explanations), (&gamma_first, &explained));
    assert_eq!(filing_of(&store, beta).await, None);
    assert_eq!(
        store
            .filing("mini", Period::Quarter(2025, 2), alpha)
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.filing_by_id(g.id).await.unwrap(), Some(g.clone()));
    assert_eq!(store.filing_by_id(g.id + 1000).await.unwrap(), None);

    // A step on revision 1 makes revision 2; the first submission time is set now.
    store
        .record_revisions(
            &[NewRevision {
                values: values(&[("employees", 120.0)]),
                ..step(alpha, 1, FilingAction::Submit, 2000)
            }],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap();
    let a = filing_of(&store, alpha).await.unwrap();
    assert_eq!((a.revision, a.state.status), (2, FilingStatus::Submitted));
    assert_eq!((a.first_submitted_at, a.updated_at), (Some(2000), 2000));
    assert_eq!(a.values, values(&[("employees", 120.0)]));

    // A step on a revision that is no longer the latest is refused, and takes the valid
    // steps of its call with it; so does creating a filing that exists.
    let audited = audit_count(&store).await;
    for call in [
        vec![step(alpha, 1, FilingAction::SaveDraft, 2500)],
        vec![
            step(gamma, 1, FilingAction::Approve, 2500),
            step(alpha, 1, FilingAction::SaveDraft, 2500),
        ],
        vec![
            step(epsilon, 0, FilingAction::SaveDraft, 2500),
            step(delta, 0, FilingAction::SaveDraft, 2500),
        ],
    ] {
        let err = store
            .record_revisions(&call, &actor(), &|_| {})
            .await
            .unwrap_err();
        assert!(is_conflict(&err), "{err:?}");
    }
    assert_eq!(filing_of(&store, alpha).await.unwrap(), a);
    assert_eq!(filing_of(&store, gamma).await.unwrap(), g);
    assert_eq!(filing_of(&store, epsilon).await, None);
    assert_eq!(store.revisions(g.id).await.unwrap().len(), 1);
    assert_eq!(audit_count(&store).await, audited);

    // The park returns gamma's filing with a reason; gamma puts it right and submits again.
    let park = Actor::user(5, "park", AT);
    store
        .record_revisions(
            &[NewRevision {
                values: gamma_first.clone(),
                explanations: explained.clone(),
                note: Some("营业收入有误".into()),
                ..step(gamma, 1, FilingAction::Return, 3000)
            }],
            &park,
            &|_| {},
        )
        .await
        .unwrap();
    let returned = filing_of(&store, gamma).await.unwrap();
    assert_eq!(
        (returned.revision, returned.state.status),
        (2, FilingStatus::Returned)
    );
    assert_eq!(returned.note.as_deref(), Some("营业收入有误"));
    let gamma_second = values(&[("employees", 50.0), ("revenue", 1500.0)]);
    store
        .record_revisions(
            &[NewRevision {
                values: gamma_second.clone(),
                ..step(gamma, 2, FilingAction::Submit, 4000)
            }],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap();
    let g = filing_of(&store, gamma).await.unwrap();
    assert_eq!((g.revision, g.state.status), (3, FilingStatus::Submitted));
    assert_eq!((g.first_submitted_at, g.updated_at), (Some(1001), 4000));
    assert_eq!(
        (&g.values, g.explanations.is_empty(), &g.note),
        (&gamma_second, true, &None)
    );

    // Every revision, oldest first, by whom, why, and with the values as they then were:
    // the first submission's are still there.
    let revision = |number, action, status, who: &Actor, at| RevisionRecord {
        filing_id: g.id,
        number,
        action,
        state: FilingState {
            status,
            locked: false,
        },
        form_version: 1,
        values: gamma_first.clone(),
        explanations: explained.clone(),
        note: None,
        actor_id: who.user_id,
        actor_name: who.name.clone(),
        at,
    };
    assert_eq!(
        store.revisions(g.id).await.unwrap(),
        vec![
            revision(
                1,
                FilingAction::Submit,
                FilingStatus::Submitted,
                &actor(),
                1001
            ),
            RevisionRecord {
                note: Some("营业收入有误".into()),
                ..revision(2, FilingAction::Return, FilingStatus::Returned, &park, 3000)
            },
            RevisionRecord {
                values: gamma_second.clone(),
                explanations: BTreeMap::new(),
                ..revision(
                    3,
                    FilingAction::Submit,
                    FilingStatus::Submitted,
                    &actor(),
                    4000
                )
            },
        ]
    );
    // The step in the enterprise's name names the enterprise, not the writer.
    let d = filing_of(&store, delta).await.unwrap();
    let by_delta = store.revisions(d.id).await.unwrap();
    assert_eq!(by_delta.len(), 1);
    assert_eq!(
        (by_delta[0].actor_id, by_delta[0].actor_name.as_str()),
        (Some(7), "delta")
    );

    // The period's filings, all or of some enterprises.
    let of = |mut list: Vec<FilingRecord>| -> Vec<(EnterpriseId, i32)> {
        list.sort_by_key(|f| f.enterprise.0);
        list.iter().map(|f| (f.enterprise, f.revision)).collect()
    };
    let mut expected = vec![(alpha, 2), (gamma, 3), (delta, 1)];
    expected.sort_by_key(|(e, _)| e.0);
    assert_eq!(of(store.filings("mini", Q1, None).await.unwrap()), expected);
    let mut some = vec![(alpha, 2), (delta, 1)];
    some.sort_by_key(|(e, _)| e.0);
    assert_eq!(
        of(store
            .filings("mini", Q1, Some(&[alpha, beta, delta]))
            .await
            .unwrap()),
        some
    );
    assert!(
        store
            .filings("mini", Q1, Some(&[]))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .filings("mini", Period::Quarter(2025, 2), None)
            .await
            .unwrap()
            .is_empty()
    );
}

/// What a server's kept figures of a period are checked against: the period's count of
/// revisions, raised with every revision appended to its filings.
async fn the_filings_fingerprint_moves_with_every_revision_and_only_then(store: Db) {
    load_six(&store).await;
    mini_period(&store).await;
    let q2 = Period::Quarter(2025, 2);
    store
        .save_period(&quarter(q2, date!(2025 - 07 - 15)), &actor())
        .await
        .unwrap();
    let (p1, alpha, gamma) = (
        unit_id(&store, "P1").await,
        six(&store, 1).await,
        six(&store, 3).await,
    );
    let empty = store.filings_fingerprint("mini", Q1).await.unwrap();
    store
        .record_revisions(
            &[
                step(alpha, 0, FilingAction::Submit, 1000),
                step(gamma, 0, FilingAction::SaveDraft, 1100),
            ],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap();
    let filed = store.filings_fingerprint("mini", Q1).await.unwrap();
    assert_ne!(filed, empty);

    // A step refused as stale writes nothing, and the fingerprint stays.
    let err = store
        .record_revisions(
            &[step(alpha, 0, FilingAction::Submit, 1200)],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap_err();
    assert!(is_conflict(&err), "{err:?}");
    assert_eq!(store.filings_fingerprint("mini", Q1).await.unwrap(), filed);

    // Another period's filing leaves it too.
    store
        .record_revisions(
            &[NewRevision {
                period: q2,
                ..step(alpha, 0, FilingAction::Submit, 1300)
            }],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(store.filings_fingerprint("mini", Q1).await.unwrap(), filed);
    assert_ne!(store.filings_fingerprint("mini", q2).await.unwrap(), 0);

    // A step on a filing moves it, and so do the locks of a closing.
    store
        .record_revisions(
            &[step(gamma, 1, FilingAction::Submit, 1400)],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap();
    let stepped = store.filings_fingerprint("mini", Q1).await.unwrap();
    assert_ne!(stepped, filed);
    store
        .close_period(
            "mini",
            Q1,
            p1,
            &[step(alpha, 1, FilingAction::Lock, 2000)],
            &actor(),
        )
        .await
        .unwrap();
    assert_ne!(
        store.filings_fingerprint("mini", Q1).await.unwrap(),
        stepped
    );
}

async fn closing_a_period_locks_once_per_unit(store: Db) {
    load_six(&store).await;
    mini_period(&store).await;
    let (p1, p2) = (unit_id(&store, "P1").await, unit_id(&store, "P2").await);
    let (alpha, gamma) = (six(&store, 1).await, six(&store, 3).await);
    store
        .record_revisions(
            &[
                step(alpha, 0, FilingAction::Submit, 1000),
                step(alpha, 1, FilingAction::Approve, 1100),
                step(gamma, 0, FilingAction::Submit, 1200),
            ],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap();

    store
        .close_period(
            "mini",
            Q1,
            p1,
            &[step(alpha, 2, FilingAction::Lock, 2000)],
            &actor(),
        )
        .await
        .unwrap();
    let closures = store.closures("mini", Q1).await.unwrap();
    assert_eq!(closures.len(), 1);
    assert_eq!(
        (closures[0].unit, closures[0].actor_name.as_str()),
        (p1, "admin")
    );
    assert!(closures[0].at > 0);
    let a = filing_of(&store, alpha).await.unwrap();
    assert_eq!(
        (a.revision, a.state),
        (
            3,
            FilingState {
                status: FilingStatus::Approved,
                locked: true
            }
        )
    );
    let lock = store.revisions(a.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (lock.number, lock.action, lock.actor_name.as_str()),
        (3, FilingAction::Lock, "admin")
    );

    // Closing P1 again is refused and locks nothing; a stale lock refuses the closing of P2.
    let audited = audit_count(&store).await;
    let err = store
        .close_period(
            "mini",
            Q1,
            p1,
            &[step(gamma, 1, FilingAction::Lock, 2100)],
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Duplicate {
                entity: "closure",
                ..
            }
        ),
        "{err:?}"
    );
    let err = store
        .close_period(
            "mini",
            Q1,
            p2,
            &[step(alpha, 2, FilingAction::Lock, 2100)],
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(is_conflict(&err), "{err:?}");
    assert_eq!(store.closures("mini", Q1).await.unwrap(), closures);
    assert_eq!(filing_of(&store, gamma).await.unwrap().revision, 1);
    assert_eq!(filing_of(&store, alpha).await.unwrap(), a);
    assert_eq!(audit_count(&store).await, audited);

    store
        .close_period("mini", Q1, p2, &[], &Actor::user(2, "zone", AT))
        .await
        .unwrap();
    let mut units: Vec<(UnitId, String)> = store
        .closures("mini", Q1)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.unit, c.actor_name))
        .collect();
    units.sort_by_key(|(u, _)| u.0);
    let mut expected = vec![(p1, "admin".to_string()), (p2, "zone".to_string())];
    expected.sort_by_key(|(u, _)| u.0);
    assert_eq!(units, expected);
    assert!(
        store
            .closures("mini", Period::Quarter(2025, 2))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_surveyed_are_found_in_their_park_of_the_day(store: Db) {
    load_six(&store).await;
    let (p1, p2) = (unit_id(&store, "P1").await, unit_id(&store, "P2").await);
    let [alpha, beta, gamma, delta, epsilon, alpha_services] = [
        six(&store, 1).await,
        six(&store, 2).await,
        six(&store, 3).await,
        six(&store, 4).await,
        six(&store, 5).await,
        six(&store, 6).await,
    ];
    // Every enterprise located on the day, with its park and survey flag: Delta moves from
    // P1 to P2 on 2022-01-01, Epsilon leaves on 2023-01-01, alpha 服务 arrives in 2025;
    // Beta and alpha 服务 are out of the survey.
    let (a, b, g, d, e, s) = (
        (alpha, p1, true),
        (beta, p1, false),
        (gamma, p2, true),
        (delta, p1, true),
        (epsilon, p2, true),
        (alpha_services, p1, false),
    );
    let d2 = (delta, p2, true);
    for (day, expected) in [
        (date!(2015 - 06 - 30), vec![]),
        (date!(2017 - 06 - 30), vec![d, e]),
        (date!(2021 - 12 - 31), vec![a, b, g, d, e]),
        (date!(2022 - 01 - 01), vec![a, b, g, d2, e]),
        (date!(2023 - 01 - 01), vec![a, b, g, d2]),
        (date!(2025 - 06 - 30), vec![a, b, g, d2, s]),
    ] {
        let mut expected = expected;
        expected.sort_by_key(|(e, _, _)| e.0);
        assert_eq!(store.located_on(day).await.unwrap(), expected, "{day}");
        let surveyed: Vec<(EnterpriseId, UnitId)> = expected
            .iter()
            .filter(|(_, _, in_survey)| *in_survey)
            .map(|(e, p, _)| (*e, *p))
            .collect();
        assert_eq!(store.surveyed_on(day).await.unwrap(), surveyed, "{day}");
    }
    // By hand, the two ends of the story: in 2017 Delta (P1) and Epsilon (P2); in 2025
    // Alpha (P1), Gamma (P2) and Delta (P2).
    let mut in_2025 = vec![(alpha, p1), (gamma, p2), (delta, p2)];
    in_2025.sort_by_key(|(e, _)| e.0);
    assert_eq!(
        store.surveyed_on(date!(2025 - 06 - 30)).await.unwrap(),
        in_2025
    );
    let mut in_2017 = vec![(delta, p1), (epsilon, p2)];
    in_2017.sort_by_key(|(e, _)| e.0);
    assert_eq!(
        store.surveyed_on(date!(2017 - 06 - 30)).await.unwrap(),
        in_2017
    );
}

async fn many_filings_are_written_in_chunks_with_progress(store: Db) {
    load_six(&store).await;
    store
        .save_form(&form("mini", 1, "小表"), &actor())
        .await
        .unwrap();
    let mut enterprises = Vec::new();
    for n in 1..=6 {
        enterprises.push(six(&store, n).await);
    }
    // 84 years of quarters for six enterprises: 2016 new filings in one call, more
    // revisions than one multi-row statement takes.
    let quarters: Vec<Period> = (1950..2034)
        .flat_map(|y| (1..=4).map(move |q| Period::Quarter(y, q)))
        .collect();
    for p in &quarters {
        store
            .save_period(&quarter(*p, p.last_day()), &actor())
            .await
            .unwrap();
    }
    let steps: Vec<NewRevision> = quarters
        .iter()
        .flat_map(|p| enterprises.iter().map(move |e| (*p, *e)))
        .enumerate()
        .map(|(n, (period, e))| NewRevision {
            period,
            values: values(&[("employees", n as f64)]),
            ..step(e, 0, FilingAction::SaveDraft, 1000 + n as i64)
        })
        .collect();
    assert_eq!(steps.len(), 2016);
    let seen = Mutex::new(Vec::new());
    let written = store
        .record_revisions(&steps, &actor(), &|n| seen.lock().unwrap().push(n))
        .await
        .unwrap();
    assert_eq!(written, 2016);
    // Counted up, chunk by chunk, to every revision.
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&2016));
    // Each filing holds its own values, whatever order the new ids came back in.
    for s in steps.iter().step_by(101).chain(steps.last()) {
        let f = store
            .filing("mini", s.period, s.enterprise)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((f.revision, &f.values, f.updated_at), (1, &s.values, s.at));
        let history = store.revisions(f.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].values, s.values);
    }
    assert_eq!(
        store
            .filings("mini", Period::Quarter(2033, 4), None)
            .await
            .unwrap()
            .len(),
        6
    );
}

/// The day enterprises are read on (their tiers as held that day), as the application
/// passes its clock's date.
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
