//! The monitoring part of the store, run on SQLite always and on PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set: every test below is expanded once per backend
//! (`sqlite::name`, `postgres::name`), each on a fresh database of its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use innozone_domain::Date;
use innozone_domain::registry::dataset::{
    Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership,
};
use innozone_domain::registry::import::{EnterpriseChange, EnterpriseImportPlan};
use innozone_domain::registry::{
    CreditCode, EnterpriseDraft, EnterpriseId, IndustryCode, Recognition, RegistrationType,
    SizeClass, Tier, UnitCode, UnitDraft, UnitId, UnitKind,
};
use innozone_domain::reporting::{
    FilingAction, FilingState, FilingStatus, FilingValues, Form, Period,
};
use innozone_store::{
    Actor, AuditQuery, CountedFiling, EnterpriseProfile, NewRevision, NewStatistic, PeriodRecord,
    StatisticRecord, Store, StoreError,
};
use time::macros::date;

type Db = Arc<dyn Store>;

use innozone_store_sql::on_both_backends;

/// When the tests' writes happen: the store never reads the clock, its caller says.
const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

on_both_backends!(
    documents_are_kept_in_order_and_never_overwritten,
    statistics_latest_wins_and_keep_their_history,
    a_statistic_of_an_unknown_unit_writes_nothing,
    thousands_of_statistics_are_written_in_chunks,
    counted_filings_take_the_right_revision,
    counted_filings_leave_other_forms_and_periods_out,
    the_filings_fingerprint_moves_with_every_revision_only,
    the_monitoring_fingerprint_moves_with_what_monitoring_reads_only,
    every_enterprise_has_a_profile,
    recognitions_count_within_their_validity,
);

// ---- fixtures ----

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

fn draft(n: u32, industry: &str, size: SizeClass, in_survey: bool) -> EnterpriseDraft {
    EnterpriseDraft {
        credit_code: credit(n),
        name: format!("企业{n}"),
        industry: IndustryCode::parse(industry).unwrap(),
        high_tech_field: None,
        size_class: size,
        registration_type: RegistrationType::LimitedLiability,
        contact_name: None,
        contact_phone: None,
        in_survey,
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

fn recognised(tier: Tier, no: &str, issued_on: Date, expires_on: Option<Date>) -> Recognition {
    Recognition {
        tier,
        certificate_no: no.to_string(),
        issued_on,
        expires_on,
    }
}

/// Enterprises in the registry, numbered 1 to `ENTERPRISES`.
const ENTERPRISES: u32 = 8;

/// A zone Z with parks P1 and P2 and eight enterprises, all in P1 from 2018 (the odd ones)
/// or P2 (the even ones). Their industries, sizes and survey flags differ; recognitions:
///
/// | # | tier     | issued     | expires    |
/// |---|----------|------------|------------|
/// | 1 | high_tech| 2020-01-01 | 2023-03-01 |
/// | 1 | high_tech| 2023-01-01 | 2026-01-01 |
/// | 1 | tech_sme | 2024-03-01 | 2025-03-01 |
/// | 2 | high_tech| 2021-06-01 | none       |
/// | 3 | gazelle  | 2030-01-01 | none       |
fn registry() -> Dataset {
    let industries = ["2710", "6511", "4411", "0610"];
    Dataset {
        units: vec![
            unit_draft("Z", UnitKind::Zone),
            unit_draft("P1", UnitKind::Park),
            unit_draft("P2", UnitKind::Park),
        ],
        memberships: ["P1", "P2"]
            .map(|p| DatasetMembership {
                child: code(p),
                parent: code("Z"),
                from: date!(2015 - 01 - 01),
                until: None,
            })
            .to_vec(),
        enterprises: (1..=ENTERPRISES)
            .map(|n| DatasetEnterprise {
                draft: draft(
                    n,
                    industries[n as usize % industries.len()],
                    if n % 3 == 0 {
                        SizeClass::AboveScale
                    } else {
                        SizeClass::BelowScale
                    },
                    n % 4 != 0,
                ),
                locations: vec![DatasetLocation {
                    park: code(if n % 2 == 1 { "P1" } else { "P2" }),
                    from: date!(2018 - 01 - 01),
                    until: None,
                }],
                recognitions: match n {
                    1 => vec![
                        recognised(
                            Tier::HighTech,
                            "HT-1",
                            date!(2020 - 01 - 01),
                            Some(date!(2023 - 03 - 01)),
                        ),
                        recognised(
                            Tier::HighTech,
                            "HT-2",
                            date!(2023 - 01 - 01),
                            Some(date!(2026 - 01 - 01)),
                        ),
                        recognised(
                            Tier::TechSme,
                            "TS-1",
                            date!(2024 - 03 - 01),
                            Some(date!(2025 - 03 - 01)),
                        ),
                    ],
                    2 => vec![recognised(
                        Tier::HighTech,
                        "HT-3",
                        date!(2021 - 06 - 01),
                        None,
                    )],
                    3 => vec![recognised(
                        Tier::Gazelle,
                        "GZ-1",
                        date!(2030 - 01 - 01),
                        None,
                    )],
                    _ => vec![],
                },
            })
            .collect(),
    }
}

async fn load(store: &Db) {
    store
        .load_dataset(&registry(), &Actor::system(AT), &|_| {})
        .await
        .unwrap();
}

async fn unit(store: &Db, c: &str) -> UnitId {
    store
        .hierarchy()
        .await
        .unwrap()
        .unit_by_code(c)
        .unwrap_or_else(|| panic!("{c} is stored"))
        .id
}

async fn enterprise(store: &Db, n: u32) -> EnterpriseId {
    store
        .enterprise_by_code(&credit(n), date!(2026 - 01 - 01))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("enterprise {n} is stored"))
        .id
}

async fn audit_entries(store: &Db, entity: &str) -> Vec<innozone_store::AuditEntry> {
    store
        .audit(&AuditQuery {
            entity: Some(entity.to_string()),
            limit: 1000,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .0
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

/// The form "mini" in `version`: v1 has the fields employees, revenue; v2 puts revenue
/// first and adds exports between them, so that the same codes sit at other places.
fn mini(version: u32) -> Form {
    let field = |code: &str| {
        let (unit, kind) = if code == "employees" {
            ("persons", "integer")
        } else {
            ("thousand_yuan", "decimal")
        };
        format!(
            "[[fields]]\ncode = \"{code}\"\nzh = \"{code}\"\nen = \"{code}\"\nunit = \"{unit}\"\ntype = \"{kind}\"\n"
        )
    };
    let fields = match version {
        1 => [field("employees"), field("revenue")].join("\n"),
        _ => [field("revenue"), field("exports"), field("employees")].join("\n"),
    };
    Form::parse(&format!(
        "code = \"mini\"\nversion = {version}\nname_zh = \"小表\"\nname_en = \"Mini\"\nperiod = \"quarterly\"\n\
         deadline_days = 15\n\n{fields}"
    ))
    .unwrap()
}

const Q1: Period = Period::Quarter(2025, 1);
const Q2: Period = Period::Quarter(2025, 2);

/// Both versions of "mini", and its periods 2025Q1 and 2025Q2 (under v1).
async fn mini_periods(store: &Db) {
    store.save_form(&mini(1), &actor()).await.unwrap();
    store.save_form(&mini(2), &actor()).await.unwrap();
    for (period, deadline) in [(Q1, date!(2025 - 04 - 15)), (Q2, date!(2025 - 07 - 15))] {
        let record = PeriodRecord {
            form_code: "mini".into(),
            period,
            form_version: 1,
            deadline,
        };
        store.save_period(&record, &actor()).await.unwrap();
    }
}

fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// A step of "mini" v1 in `period` by `enterprise`, after revision `after`, in the state
/// the action leads to, with the given values.
fn step(
    period: Period,
    enterprise: EnterpriseId,
    after: i32,
    action: FilingAction,
    vals: &[(&str, f64)],
) -> NewRevision {
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
        period,
        enterprise,
        after_revision: after,
        action,
        state: FilingState { status, locked },
        values: values(vals),
        explanations: BTreeMap::new(),
        note: action.needs_reason().then(|| "理由".to_string()),
        actor: None,
        at: 1_000 + i64::from(after),
    }
}

/// Records the steps of one filing of "mini" in `period`, one call each as people would.
async fn file(
    store: &Db,
    period: Period,
    enterprise: EnterpriseId,
    steps: &[(FilingAction, &[(&str, f64)])],
) {
    for (n, (action, vals)) in steps.iter().enumerate() {
        store
            .record_revisions(
                &[step(period, enterprise, n as i32, *action, vals)],
                &actor(),
                &|_| {},
            )
            .await
            .unwrap();
    }
}

fn stat(unit: UnitId, period: Period, code: &str, value: Option<f64>) -> NewStatistic {
    NewStatistic {
        unit,
        period,
        code: code.to_string(),
        value,
        note: None,
    }
}

// ---- documents ----

async fn documents_are_kept_in_order_and_never_overwritten(store: Db) {
    assert_eq!(store.latest_catalogue().await.unwrap(), None);
    assert!(store.catalogue_versions().await.unwrap().is_empty());
    assert_eq!(store.latest_targets().await.unwrap(), None);
    assert!(store.target_versions().await.unwrap().is_empty());

    let first = store
        .save_catalogue("[[indicators]]\ncode = \"a\"\n", &actor())
        .await
        .unwrap();
    let targets = store
        .save_targets("# 目标\n", &Actor::user(2, "planner", AT))
        .await
        .unwrap();
    let second = store
        .save_catalogue("[[indicators]]\ncode = \"b\"\n", &actor())
        .await
        .unwrap();
    // The same text again is a new version too: saving is recorded, never skipped.
    let third = store
        .save_catalogue("[[indicators]]\ncode = \"b\"\n", &actor())
        .await
        .unwrap();
    assert!(first.id < second.id && second.id < third.id);
    assert_eq!(first.source, "[[indicators]]\ncode = \"a\"\n");
    assert_eq!(first.saved_by, "admin");
    assert!(first.saved_at > 0);
    assert_eq!(
        (targets.saved_by.as_str(), targets.source.as_str()),
        ("planner", "# 目标\n")
    );

    assert_eq!(store.latest_catalogue().await.unwrap(), Some(third.clone()));
    assert_eq!(
        store.catalogue_versions().await.unwrap(),
        vec![third.clone(), second.clone(), first.clone()],
        "newest first, each as it was written"
    );
    assert_eq!(store.latest_targets().await.unwrap(), Some(targets.clone()));
    assert_eq!(
        store.target_versions().await.unwrap(),
        vec![targets.clone()]
    );

    let catalogue = audit_entries(&store, "catalogue").await;
    assert_eq!(catalogue.len(), 3);
    assert!(
        catalogue
            .iter()
            .all(|e| e.action == "catalogue.save" && e.actor_name == "admin")
    );
    assert_eq!(catalogue[0].entity_key, third.id.to_string());
    let saved = audit_entries(&store, "targets").await;
    assert_eq!(saved.len(), 1);
    assert_eq!(
        (saved[0].action.as_str(), saved[0].actor_name.as_str()),
        ("targets.save", "planner")
    );
}

// ---- statistics ----

async fn statistics_latest_wins_and_keep_their_history(store: Db) {
    load(&store).await;
    let (p1, p2) = (unit(&store, "P1").await, unit(&store, "P2").await);
    let (y24, y25) = (Period::Year(2024), Period::Year(2025));
    assert!(store.statistics(&[]).await.unwrap().is_empty());

    let written = store
        .record_statistics(
            &[
                stat(p1, y24, "land_area", Some(10.0)),
                stat(p1, y25, "land_area", Some(12.0)),
                stat(p2, y25, "land_area", Some(7.5)),
                NewStatistic {
                    note: Some("统计局年报".into()),
                    ..stat(p1, y25, "gdp", Some(1_000.0))
                },
            ],
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(written, 4);
    // A later entry wins; a cleared one disappears from the current values.
    store
        .record_statistics(
            &[
                stat(p1, y25, "land_area", Some(12.5)),
                stat(p2, y25, "land_area", None),
            ],
            &Actor::user(3, "park", AT),
        )
        .await
        .unwrap();

    let current = |records: Vec<StatisticRecord>| -> Vec<(UnitId, Period, String, Option<f64>)> {
        records
            .into_iter()
            .map(|r| (r.unit, r.period, r.code, r.value))
            .collect()
    };
    assert_eq!(
        current(store.statistics(&[]).await.unwrap()),
        vec![
            (p1, y24, "land_area".to_string(), Some(10.0)),
            (p1, y25, "gdp".to_string(), Some(1_000.0)),
            (p1, y25, "land_area".to_string(), Some(12.5)),
        ]
    );
    assert_eq!(
        current(store.statistics(&[y25]).await.unwrap()),
        vec![
            (p1, y25, "gdp".to_string(), Some(1_000.0)),
            (p1, y25, "land_area".to_string(), Some(12.5))
        ]
    );
    assert_eq!(
        current(store.statistics(&[y24, y25]).await.unwrap()).len(),
        3
    );
    assert!(
        store
            .statistics(&[Period::Year(2023)])
            .await
            .unwrap()
            .is_empty()
    );
    let gdp = &store.statistics(&[y25]).await.unwrap()[0];
    assert_eq!(
        (gdp.note.as_deref(), gdp.recorded_by.as_str()),
        (Some("统计局年报"), "admin")
    );
    let latest = &store.statistics(&[y25]).await.unwrap()[1];
    assert_eq!(latest.recorded_by, "park");

    // Every entry is kept, oldest first, across periods.
    let history = store.statistic_history(p1, "land_area").await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| (r.period, r.value))
            .collect::<Vec<_>>(),
        vec![(y24, Some(10.0)), (y25, Some(12.0)), (y25, Some(12.5))]
    );
    assert!(history.windows(2).all(|w| w[0].id < w[1].id));
    let cleared = store.statistic_history(p2, "land_area").await.unwrap();
    assert_eq!(
        cleared.iter().map(|r| r.value).collect::<Vec<_>>(),
        vec![Some(7.5), None]
    );
    assert!(store.statistic_history(p2, "gdp").await.unwrap().is_empty());

    // Entering it again after clearing brings it back.
    store
        .record_statistics(&[stat(p2, y25, "land_area", Some(8.0))], &actor())
        .await
        .unwrap();
    assert_eq!(
        current(store.statistics(&[y25]).await.unwrap()).last(),
        Some(&(p2, y25, "land_area".to_string(), Some(8.0)))
    );

    // One audit entry per call; nothing to record records nothing.
    assert_eq!(store.record_statistics(&[], &actor()).await.unwrap(), 0);
    let entries = audit_entries(&store, "statistic").await;
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e.action == "statistic.record"));
    assert_eq!(entries[2].entity_key, "2024,2025");
    assert_eq!(entries[1].actor_name, "park");
    assert_eq!(entries[1].after.as_ref().unwrap()["cleared"], 1);
}

async fn a_statistic_of_an_unknown_unit_writes_nothing(store: Db) {
    load(&store).await;
    let p1 = unit(&store, "P1").await;
    store
        .record_statistics(&[stat(p1, Period::Year(2025), "gdp", Some(1.0))], &actor())
        .await
        .unwrap();
    let audited = audit_total(&store).await;
    let fingerprint = store.monitoring_fingerprint().await.unwrap();

    let err = store
        .record_statistics(
            &[
                stat(p1, Period::Year(2025), "gdp", Some(2.0)),
                stat(UnitId(9_999), Period::Year(2025), "gdp", Some(3.0)),
            ],
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound { entity: "unit", key } if key == "9999"),
        "{err:?}"
    );
    assert_eq!(
        store.statistic_history(p1, "gdp").await.unwrap().len(),
        1,
        "the good entry was not written either"
    );
    assert_eq!(store.statistics(&[]).await.unwrap()[0].value, Some(1.0));
    assert_eq!(audit_total(&store).await, audited);
    assert_eq!(store.monitoring_fingerprint().await.unwrap(), fingerprint);
}

async fn thousands_of_statistics_are_written_in_chunks(store: Db) {
    load(&store).await;
    let (p1, p2) = (unit(&store, "P1").await, unit(&store, "P2").await);
    // 2 units × 12 months × 250 codes = 6,000 entries, in one call.
    let mut entries = Vec::new();
    for (u, unit) in [p1, p2].into_iter().enumerate() {
        for month in 1..=12u8 {
            for c in 0..250 {
                let value = (u * 100_000 + usize::from(month) * 1_000 + c) as f64;
                entries.push(stat(
                    unit,
                    Period::Month(2025, month),
                    &format!("s{c:03}"),
                    Some(value),
                ));
            }
        }
    }
    assert_eq!(
        store.record_statistics(&entries, &actor()).await.unwrap(),
        6_000
    );
    let all = store.statistics(&[]).await.unwrap();
    assert_eq!(all.len(), 6_000);
    assert_eq!(
        all.last()
            .map(|r| (r.unit, r.period, r.code.as_str(), r.value)),
        Some((p2, Period::Month(2025, 12), "s249", Some(112_249.0)))
    );
    let march = store.statistics(&[Period::Month(2025, 3)]).await.unwrap();
    assert_eq!(march.len(), 500);
    assert_eq!(audit_entries(&store, "statistic").await.len(), 1);

    // All or nothing holds past the first chunk too.
    let mut bad = entries.clone();
    bad.push(stat(UnitId(-1), Period::Year(2025), "gdp", Some(1.0)));
    assert!(store.record_statistics(&bad, &actor()).await.is_err());
    assert_eq!(store.statistic_history(p1, "s000").await.unwrap().len(), 12);
}

// ---- counted filings ----

/// The counted filings by enterprise number, as (revision, approved, values).
async fn counted(
    store: &Db,
    period: Period,
    include_unapproved: bool,
) -> Vec<(u32, i32, bool, Vec<Option<f64>>)> {
    let mut numbers = BTreeMap::new();
    for n in 1..=ENTERPRISES {
        numbers.insert(enterprise(store, n).await, n);
    }
    store
        .counted_filings("mini", period, include_unapproved)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (numbers[&c.enterprise], c.revision, c.approved, c.values.0))
        .collect()
}

async fn counted_filings_take_the_right_revision(store: Db) {
    use FilingAction::*;
    load(&store).await;
    mini_periods(&store).await;
    let e = |n| enterprise(&store, n);
    let (e1, e2, e3, e4, e5, e6, e7) = (
        e(1).await,
        e(2).await,
        e(3).await,
        e(4).await,
        e(5).await,
        e(6).await,
        e(7).await,
    );
    assert!(
        store
            .counted_filings("mini", Q1, true)
            .await
            .unwrap()
            .is_empty()
    );

    // 1: approved, locked at closing, reopened and re-submitted with corrections.
    file(
        &store,
        Q1,
        e1,
        &[
            (Submit, &[("employees", 10.0), ("revenue", 100.0)]),
            (Approve, &[("employees", 10.0), ("revenue", 100.0)]),
            (Lock, &[("employees", 10.0), ("revenue", 100.0)]),
            (Reopen, &[("employees", 10.0), ("revenue", 100.0)]),
            (Submit, &[("employees", 11.0), ("revenue", 90.0)]),
        ],
    )
    .await;
    // 2: only a draft.
    file(&store, Q1, e2, &[(SaveDraft, &[("employees", 20.0)])]).await;
    // 3: submitted and returned by the park, then saved as a draft again.
    file(
        &store,
        Q1,
        e3,
        &[
            (Submit, &[("employees", 30.0)]),
            (Return, &[("employees", 30.0)]),
            (SaveDraft, &[("employees", 31.0)]),
        ],
    )
    .await;
    // 4: awaiting review after a second submission replaced the first.
    file(
        &store,
        Q1,
        e4,
        &[
            (SaveDraft, &[("revenue", 1.0)]),
            (Submit, &[("revenue", 40.0)]),
            (Submit, &[("revenue", 41.0)]),
        ],
    )
    .await;
    // 5: approved.
    file(
        &store,
        Q1,
        e5,
        &[
            (Submit, &[("employees", 50.0), ("revenue", 500.5)]),
            (Approve, &[("employees", 50.0), ("revenue", 500.5)]),
        ],
    )
    .await;
    // 6: approved, then returned by the park after all (still unresolved).
    file(
        &store,
        Q1,
        e6,
        &[
            (Submit, &[("employees", 60.0)]),
            (Approve, &[("employees", 60.0)]),
            (Return, &[("employees", 60.0)]),
        ],
    )
    .await;
    // 7: filed under version 2 of the form, whose fields are in another order.
    let v2 = |after, action| NewRevision {
        form_version: 2,
        ..step(
            Q1,
            e7,
            after,
            action,
            &[("employees", 70.0), ("revenue", 700.0)],
        )
    };
    store
        .record_revisions(&[v2(0, Submit)], &actor(), &|_| {})
        .await
        .unwrap();
    store
        .record_revisions(&[v2(1, Approve)], &actor(), &|_| {})
        .await
        .unwrap();

    // Blank trailing fields come back as blanks, in the form version's order.
    assert_eq!(
        counted(&store, Q1, false).await,
        vec![
            (1, 3, true, vec![Some(10.0), Some(100.0)]),
            (5, 2, true, vec![Some(50.0), Some(500.5)]),
            (6, 2, true, vec![Some(60.0), None]),
            (7, 2, true, vec![Some(700.0), None, Some(70.0)]),
        ]
    );
    assert_eq!(
        counted(&store, Q1, true).await,
        vec![
            (1, 5, false, vec![Some(11.0), Some(90.0)]),
            (4, 3, false, vec![None, Some(41.0)]),
            (5, 2, true, vec![Some(50.0), Some(500.5)]),
            (6, 2, true, vec![Some(60.0), None]),
            (7, 2, true, vec![Some(700.0), None, Some(70.0)]),
        ]
    );
    let all = store.counted_filings("mini", Q1, true).await.unwrap();
    let first = &all[0];
    let filing = store.filing("mini", Q1, e1).await.unwrap().unwrap();
    assert_eq!(
        first,
        &CountedFiling {
            filing_id: filing.id,
            enterprise: e1,
            revision: 5,
            approved: false,
            form_version: 1,
            values: FilingValues(vec![Some(11.0), Some(90.0)]),
        }
    );
    assert_eq!(all[4].form_version, 2);

    // Once the correction is approved, it counts either way.
    file_more(
        &store,
        e1,
        5,
        Approve,
        &[("employees", 11.0), ("revenue", 90.0)],
    )
    .await;
    assert_eq!(
        counted(&store, Q1, false).await[0],
        (1, 6, true, vec![Some(11.0), Some(90.0)])
    );
    assert_eq!(
        counted(&store, Q1, true).await[0],
        (1, 6, true, vec![Some(11.0), Some(90.0)])
    );
}

async fn file_more(
    store: &Db,
    enterprise: EnterpriseId,
    after: i32,
    action: FilingAction,
    vals: &[(&str, f64)],
) {
    store
        .record_revisions(
            &[step(Q1, enterprise, after, action, vals)],
            &actor(),
            &|_| {},
        )
        .await
        .unwrap();
}

async fn counted_filings_leave_other_forms_and_periods_out(store: Db) {
    use FilingAction::*;
    load(&store).await;
    mini_periods(&store).await;
    let (e1, e2) = (enterprise(&store, 1).await, enterprise(&store, 2).await);
    file(
        &store,
        Q1,
        e1,
        &[
            (Submit, &[("employees", 1.0)]),
            (Approve, &[("employees", 1.0)]),
        ],
    )
    .await;
    file(
        &store,
        Q2,
        e1,
        &[
            (Submit, &[("employees", 2.0)]),
            (Approve, &[("employees", 2.0)]),
        ],
    )
    .await;
    file(&store, Q2, e2, &[(Submit, &[("employees", 3.0)])]).await;
    assert_eq!(
        counted(&store, Q1, true).await,
        vec![(1, 2, true, vec![Some(1.0), None])]
    );
    assert_eq!(
        counted(&store, Q2, true).await,
        vec![
            (1, 2, true, vec![Some(2.0), None]),
            (2, 1, false, vec![Some(3.0), None])
        ]
    );
    assert!(
        store
            .counted_filings("mini", Period::Quarter(2025, 3), true)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .counted_filings("other", Q1, true)
            .await
            .unwrap()
            .is_empty()
    );
}

// ---- fingerprints ----

async fn the_filings_fingerprint_moves_with_every_revision_only(store: Db) {
    use FilingAction::*;
    load(&store).await;
    mini_periods(&store).await;
    let (e1, e2) = (enterprise(&store, 1).await, enterprise(&store, 2).await);
    let fingerprint = || store.filings_fingerprint("mini", Q1);
    let empty = fingerprint().await.unwrap();
    assert_eq!(empty, store.filings_fingerprint("other", Q2).await.unwrap());

    let mut seen = vec![empty];
    let mut changed = |value: i64| {
        assert!(!seen.contains(&value), "{value} was seen before: {seen:?}");
        seen.push(value);
    };
    file(&store, Q1, e1, &[(SaveDraft, &[("employees", 1.0)])]).await;
    changed(fingerprint().await.unwrap());
    // Reads, and filings of another period, leave it alone.
    let before = fingerprint().await.unwrap();
    store.counted_filings("mini", Q1, true).await.unwrap();
    store.filings("mini", Q1, None).await.unwrap();
    file(
        &store,
        Q2,
        e1,
        &[(Submit, &[("employees", 1.0)]), (Approve, &[])],
    )
    .await;
    store
        .record_statistics(
            &[stat(unit(&store, "P1").await, Q1, "gdp", Some(1.0))],
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(fingerprint().await.unwrap(), before);

    // Every step of either filing moves it, including steps that change no value.
    file_more(&store, e1, 1, Submit, &[("employees", 1.0)]).await;
    changed(fingerprint().await.unwrap());
    file(&store, Q1, e2, &[(SaveDraft, &[])]).await;
    changed(fingerprint().await.unwrap());
    file_more(&store, e1, 2, Approve, &[("employees", 1.0)]).await;
    changed(fingerprint().await.unwrap());
    file_more(&store, e2, 1, SaveDraft, &[]).await;
    changed(fingerprint().await.unwrap());
    // A refused step writes nothing and moves nothing.
    let before = fingerprint().await.unwrap();
    assert!(
        store
            .record_revisions(&[step(Q1, e1, 1, Return, &[])], &actor(), &|_| {})
            .await
            .is_err()
    );
    assert_eq!(fingerprint().await.unwrap(), before);
}

async fn the_monitoring_fingerprint_moves_with_what_monitoring_reads_only(store: Db) {
    let fingerprint = || store.monitoring_fingerprint();
    let mut seen = vec![fingerprint().await.unwrap()];
    let mut changed = |value: i64, what: &str| {
        assert!(
            !seen.contains(&value),
            "{what}: {value} was seen before: {seen:?}"
        );
        seen.push(value);
    };
    load(&store).await;
    changed(fingerprint().await.unwrap(), "the registry loaded");
    let p1 = unit(&store, "P1").await;

    store
        .record_statistics(&[stat(p1, Period::Year(2025), "gdp", Some(1.0))], &actor())
        .await
        .unwrap();
    changed(fingerprint().await.unwrap(), "a statistic");
    store
        .record_statistics(&[stat(p1, Period::Year(2025), "gdp", None)], &actor())
        .await
        .unwrap();
    changed(fingerprint().await.unwrap(), "a statistic cleared");
    store
        .save_catalogue("[[indicators]]", &actor())
        .await
        .unwrap();
    changed(fingerprint().await.unwrap(), "a catalogue");
    store.save_targets("[[targets]]", &actor()).await.unwrap();
    changed(fingerprint().await.unwrap(), "targets");

    // A new enterprise in P1.
    let plan = EnterpriseImportPlan {
        enterprises: vec![EnterpriseChange {
            row: 2,
            existing: None,
            draft: draft(100, "6511", SizeClass::BelowScale, true),
            new_location: Some((p1, date!(2025 - 01 - 01))),
        }],
    };
    store.apply_enterprise_plan(&plan, &actor()).await.unwrap();
    changed(fingerprint().await.unwrap(), "an enterprise");

    // Reads, filings, forms, accounts and plans that change nothing leave it alone.
    let before = fingerprint().await.unwrap();
    store.statistics(&[]).await.unwrap();
    store.latest_catalogue().await.unwrap();
    store.enterprise_profiles().await.unwrap();
    mini_periods(&store).await;
    let e1 = enterprise(&store, 1).await;
    file(
        &store,
        Q1,
        e1,
        &[(FilingAction::Submit, &[("employees", 1.0)])],
    )
    .await;
    let stored = store.stored_enterprises(&[credit(100)]).await.unwrap();
    let unchanged = EnterpriseImportPlan {
        enterprises: vec![EnterpriseChange {
            row: 2,
            existing: Some(stored[&credit(100)].clone()),
            draft: draft(100, "6511", SizeClass::BelowScale, true),
            new_location: None,
        }],
    };
    assert_eq!(
        store
            .apply_enterprise_plan(&unchanged, &actor())
            .await
            .unwrap()
            .unchanged,
        1
    );
    assert_eq!(store.record_statistics(&[], &actor()).await.unwrap(), 0);
    assert_eq!(fingerprint().await.unwrap(), before);
}

// ---- the registry as monitoring reads it ----

async fn every_enterprise_has_a_profile(store: Db) {
    assert!(store.enterprise_profiles().await.unwrap().is_empty());
    load(&store).await;
    let profiles = store.enterprise_profiles().await.unwrap();
    let mut expected = Vec::new();
    for d in registry().enterprises {
        expected.push(EnterpriseProfile {
            id: store
                .enterprise_by_code(&d.draft.credit_code, date!(2026 - 01 - 01))
                .await
                .unwrap()
                .unwrap()
                .id,
            industry: d.draft.industry.as_str().to_string(),
            size_class: d.draft.size_class,
            in_survey: d.draft.in_survey,
        });
    }
    expected.sort_by_key(|p| p.id);
    assert_eq!(profiles, expected);
    assert_eq!(profiles.iter().filter(|p| !p.in_survey).count(), 2);
    assert_eq!(
        profiles
            .iter()
            .filter(|p| p.size_class == SizeClass::AboveScale)
            .count(),
        2
    );
}

async fn recognitions_count_within_their_validity(store: Db) {
    load(&store).await;
    let (e1, e2, e3) = (
        enterprise(&store, 1).await,
        enterprise(&store, 2).await,
        enterprise(&store, 3).await,
    );
    let on = |day: Date| store.recognitions_on(day);
    assert!(
        on(date!(2019 - 12 - 31)).await.unwrap().is_empty(),
        "before every recognition"
    );
    assert_eq!(
        on(date!(2020 - 01 - 01)).await.unwrap(),
        vec![(e1, Tier::HighTech)],
        "from the day of issue"
    );
    assert_eq!(
        on(date!(2021 - 05 - 31)).await.unwrap(),
        vec![(e1, Tier::HighTech)]
    );
    assert_eq!(
        on(date!(2021 - 06 - 01)).await.unwrap(),
        vec![(e1, Tier::HighTech), (e2, Tier::HighTech)]
    );
    // Two certificates of the same tier valid at once: the tier is held once.
    assert_eq!(
        on(date!(2023 - 02 - 01)).await.unwrap(),
        vec![(e1, Tier::HighTech), (e2, Tier::HighTech)]
    );
    let mut both = vec![
        (e1, Tier::HighTech),
        (e1, Tier::TechSme),
        (e2, Tier::HighTech),
    ];
    both.sort();
    let mut on_day = on(date!(2024 - 03 - 01)).await.unwrap();
    on_day.sort();
    assert_eq!(on_day, both, "two tiers at once");
    let mut last_day = on(date!(2025 - 02 - 28)).await.unwrap();
    last_day.sort();
    assert_eq!(last_day, both, "until the day before expiry");
    assert_eq!(
        on(date!(2025 - 03 - 01)).await.unwrap(),
        vec![(e1, Tier::HighTech), (e2, Tier::HighTech)],
        "not on the day of expiry"
    );
    assert_eq!(
        on(date!(2026 - 01 - 01)).await.unwrap(),
        vec![(e2, Tier::HighTech)]
    );
    assert_eq!(
        on(date!(2029 - 12 - 31)).await.unwrap(),
        vec![(e2, Tier::HighTech)],
        "no expiry"
    );
    let mut later = on(date!(2030 - 01 - 01)).await.unwrap();
    later.sort();
    let mut expected = vec![(e2, Tier::HighTech), (e3, Tier::Gazelle)];
    expected.sort();
    assert_eq!(later, expected);
}
