//! The evaluation part of the store, run on SQLite always and on PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set: every test below is expanded once per backend
//! (`sqlite::name`, `postgres::name`), each on a fresh database of its own.

use std::sync::Arc;

use innozone_domain::registry::dataset::{Dataset, DatasetMembership};
use innozone_domain::registry::{UnitCode, UnitDraft, UnitId, UnitKind};
use innozone_domain::reporting::Period;
use innozone_store::{
    Actor, AuditQuery, EvaluationInputRecord, EvaluationRunSummary, NewEvaluationInput,
    NewEvaluationRun, NewStatistic, Store, StoreError,
};
use time::macros::date;

type Db = Arc<dyn Store>;

use innozone_store_sql::on_both_backends;

/// When the tests' writes happen: the store never reads the clock, its caller says.
const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

on_both_backends!(
    schemes_are_kept_in_order_per_code_and_never_overwritten,
    inputs_latest_wins_and_keep_their_history,
    an_input_of_an_unknown_unit_writes_nothing,
    thousands_of_inputs_are_written_in_chunks,
    a_run_comes_back_byte_for_byte,
    runs_are_listed_newest_first_and_by_scheme,
    a_run_of_an_unknown_scheme_version_or_scope_is_refused,
    evaluation_writes_leave_the_monitoring_fingerprint_alone,
);

// ---- fixtures ----

fn actor() -> Actor {
    Actor::user(1, "admin", AT)
}

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
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

/// A zone Z with parks P1 and P2; no enterprises.
async fn load(store: &Db) {
    let dataset = Dataset {
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
        enterprises: vec![],
    };
    store
        .load_dataset(&dataset, &Actor::system(AT), &|_| {})
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

fn input(
    scheme: &str,
    unit: UnitId,
    period: Period,
    item: &str,
    value: Option<f64>,
) -> NewEvaluationInput {
    NewEvaluationInput {
        scheme: scheme.to_string(),
        unit,
        period,
        item: item.to_string(),
        value,
        note: None,
    }
}

/// The current inputs as (unit, period, item, value).
fn current(records: Vec<EvaluationInputRecord>) -> Vec<(UnitId, Period, String, Option<f64>)> {
    records
        .into_iter()
        .map(|r| (r.unit, r.period, r.item, r.value))
        .collect()
}

fn run(scheme: &str, version: i64, period: Period, scope: UnitId) -> NewEvaluationRun {
    NewEvaluationRun {
        scheme: scheme.to_string(),
        scheme_version: version,
        period,
        scope,
        basis: "approved".to_string(),
        inputs_digest: format!("digest-{scheme}-{version}-{period}"),
        inputs: "{}".to_string(),
        result: "{}".to_string(),
    }
}

// ---- schemes ----

async fn schemes_are_kept_in_order_per_code_and_never_overwritten(store: Db) {
    assert_eq!(store.latest_scheme("zone").await.unwrap(), None);
    assert!(store.scheme_versions("zone").await.unwrap().is_empty());
    assert!(store.latest_schemes().await.unwrap().is_empty());

    // "zone" is saved first, "park" later: the list is ordered by code, not by id.
    let zone1 = store
        .save_scheme("zone", "code = \"zone\"\n# 综合评价 v1\n", &actor())
        .await
        .unwrap();
    let park1 = store
        .save_scheme(
            "park",
            "code = \"park\"\n",
            &Actor::user(2, "evaluator", AT),
        )
        .await
        .unwrap();
    let zone2 = store
        .save_scheme("zone", "code = \"zone\"\n# 综合评价 v2\n", &actor())
        .await
        .unwrap();
    // The same text again is a new version too: saving is recorded, never skipped.
    let zone3 = store
        .save_scheme("zone", "code = \"zone\"\n# 综合评价 v2\n", &actor())
        .await
        .unwrap();
    assert!(zone1.id < park1.id && park1.id < zone2.id && zone2.id < zone3.id);
    assert_eq!(
        (
            zone1.code.as_str(),
            zone1.source.as_str(),
            zone1.saved_by.as_str()
        ),
        ("zone", "code = \"zone\"\n# 综合评价 v1\n", "admin")
    );
    assert!(zone1.saved_at > 0);
    assert_eq!(park1.saved_by, "evaluator");

    assert_eq!(
        store.latest_scheme("zone").await.unwrap(),
        Some(zone3.clone())
    );
    assert_eq!(
        store.latest_scheme("park").await.unwrap(),
        Some(park1.clone())
    );
    assert_eq!(store.latest_scheme("other").await.unwrap(), None);
    assert_eq!(
        store.scheme_versions("zone").await.unwrap(),
        vec![zone3.clone(), zone2.clone(), zone1.clone()],
        "newest first, each as it was written"
    );
    assert_eq!(
        store.scheme_versions("park").await.unwrap(),
        vec![park1.clone()]
    );
    assert_eq!(
        store.scheme_version(zone1.id).await.unwrap(),
        Some(zone1.clone()),
        "an old version stays readable by its id"
    );
    assert_eq!(
        store.scheme_version(park1.id).await.unwrap(),
        Some(park1.clone())
    );
    assert_eq!(store.scheme_version(zone3.id + 1).await.unwrap(), None);
    assert_eq!(
        store.latest_schemes().await.unwrap(),
        vec![park1.clone(), zone3.clone()]
    );

    let saved = audit_entries(&store, "evaluation_scheme").await;
    assert_eq!(saved.len(), 4);
    assert!(
        saved
            .iter()
            .all(|e| e.action == "evaluation_scheme.save" && e.before.is_none())
    );
    // Newest first.
    assert_eq!(
        (saved[0].entity_key.as_str(), saved[0].actor_name.as_str()),
        ("zone", "admin")
    );
    assert_eq!(saved[0].after.as_ref().unwrap()["version"], zone3.id);
    assert_eq!(
        (saved[2].entity_key.as_str(), saved[2].actor_name.as_str()),
        ("park", "evaluator")
    );
}

// ---- inputs ----

async fn inputs_latest_wins_and_keep_their_history(store: Db) {
    load(&store).await;
    let (p1, p2) = (unit(&store, "P1").await, unit(&store, "P2").await);
    let (y24, y25) = (Period::Year(2024), Period::Year(2025));
    assert!(
        store
            .evaluation_inputs("zone", &[])
            .await
            .unwrap()
            .is_empty()
    );

    let written = store
        .record_evaluation_inputs(
            &[
                input("zone", p2, y25, "panel", Some(80.0)),
                input("zone", p1, y25, "panel", Some(90.0)),
                input("zone", p2, y24, "panel", Some(70.0)),
                NewEvaluationInput {
                    note: Some("专家评审会纪要".into()),
                    ..input("zone", p1, y25, "bonus", Some(2.0))
                },
                // Another scheme's input of the same unit, period and item.
                input("other", p1, y25, "panel", Some(1.0)),
            ],
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(written, 5);
    // A later entry wins; a cleared one disappears from the current values.
    store
        .record_evaluation_inputs(
            &[
                input("zone", p1, y25, "panel", Some(95.0)),
                input("zone", p2, y25, "panel", None),
            ],
            &Actor::user(3, "panel", AT),
        )
        .await
        .unwrap();

    // Ordered by period, unit and item.
    assert_eq!(
        current(store.evaluation_inputs("zone", &[]).await.unwrap()),
        vec![
            (p2, y24, "panel".to_string(), Some(70.0)),
            (p1, y25, "bonus".to_string(), Some(2.0)),
            (p1, y25, "panel".to_string(), Some(95.0)),
        ]
    );
    assert_eq!(
        current(store.evaluation_inputs("zone", &[y25]).await.unwrap()),
        vec![
            (p1, y25, "bonus".to_string(), Some(2.0)),
            (p1, y25, "panel".to_string(), Some(95.0)),
        ]
    );
    assert_eq!(
        store
            .evaluation_inputs("zone", &[y24, y25])
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        store
            .evaluation_inputs("zone", &[Period::Year(2023)])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        current(store.evaluation_inputs("other", &[]).await.unwrap()),
        vec![(p1, y25, "panel".to_string(), Some(1.0))],
        "each scheme has its own inputs"
    );
    let now = store.evaluation_inputs("zone", &[y25]).await.unwrap();
    assert!(now.iter().all(|r| r.scheme == "zone"));
    assert_eq!(
        (now[0].note.as_deref(), now[0].recorded_by.as_str()),
        (Some("专家评审会纪要"), "admin")
    );
    assert_eq!(now[1].recorded_by, "panel");

    // Every entry is kept, oldest first, across periods, for its scheme only.
    let history = store
        .evaluation_input_history("zone", p2, "panel")
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| (r.period, r.value))
            .collect::<Vec<_>>(),
        vec![(y25, Some(80.0)), (y24, Some(70.0)), (y25, None)],
        "the cleared entry stays in the history"
    );
    assert!(history.windows(2).all(|w| w[0].id < w[1].id));
    let p1_panel = store
        .evaluation_input_history("zone", p1, "panel")
        .await
        .unwrap();
    assert_eq!(
        p1_panel.iter().map(|r| r.value).collect::<Vec<_>>(),
        vec![Some(90.0), Some(95.0)]
    );
    assert_eq!(
        store
            .evaluation_input_history("other", p1, "panel")
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .evaluation_input_history("zone", p2, "bonus")
            .await
            .unwrap()
            .is_empty()
    );

    // Entering it again after clearing brings it back.
    store
        .record_evaluation_inputs(&[input("zone", p2, y25, "panel", Some(85.0))], &actor())
        .await
        .unwrap();
    assert_eq!(
        current(store.evaluation_inputs("zone", &[y25]).await.unwrap()).last(),
        Some(&(p2, y25, "panel".to_string(), Some(85.0)))
    );

    // One audit entry per call; nothing to record records nothing.
    assert_eq!(
        store.record_evaluation_inputs(&[], &actor()).await.unwrap(),
        0
    );
    let entries = audit_entries(&store, "evaluation_inputs").await;
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|e| e.action == "evaluation_inputs.record")
    );
    assert_eq!(entries[2].entity_key, "other,zone");
    let first = entries[2].after.as_ref().unwrap();
    assert_eq!(first["entries"], 5);
    assert_eq!(first["periods"], serde_json::json!(["2024", "2025"]));
    assert_eq!(entries[1].actor_name, "panel");
    assert_eq!(entries[1].after.as_ref().unwrap()["cleared"], 1);
}

async fn an_input_of_an_unknown_unit_writes_nothing(store: Db) {
    load(&store).await;
    let p1 = unit(&store, "P1").await;
    let y25 = Period::Year(2025);
    store
        .record_evaluation_inputs(&[input("zone", p1, y25, "panel", Some(1.0))], &actor())
        .await
        .unwrap();
    let audited = audit_total(&store).await;

    let err = store
        .record_evaluation_inputs(
            &[
                input("zone", p1, y25, "panel", Some(2.0)),
                input("zone", UnitId(9_999), y25, "panel", Some(3.0)),
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
        store
            .evaluation_input_history("zone", p1, "panel")
            .await
            .unwrap()
            .len(),
        1,
        "the good entry was not written either"
    );
    assert_eq!(
        store.evaluation_inputs("zone", &[]).await.unwrap()[0].value,
        Some(1.0)
    );
    assert_eq!(audit_total(&store).await, audited);
}

async fn thousands_of_inputs_are_written_in_chunks(store: Db) {
    load(&store).await;
    let (p1, p2) = (unit(&store, "P1").await, unit(&store, "P2").await);
    // 2 units × 12 months × 250 items = 6,000 entries, in one call.
    let mut entries = Vec::new();
    for (u, unit) in [p1, p2].into_iter().enumerate() {
        for month in 1..=12u8 {
            for c in 0..250 {
                let value = (u * 100_000 + usize::from(month) * 1_000 + c) as f64;
                entries.push(input(
                    "zone",
                    unit,
                    Period::Month(2025, month),
                    &format!("i{c:03}"),
                    Some(value),
                ));
            }
        }
    }
    assert_eq!(
        store
            .record_evaluation_inputs(&entries, &actor())
            .await
            .unwrap(),
        6_000
    );
    let all = store.evaluation_inputs("zone", &[]).await.unwrap();
    assert_eq!(all.len(), 6_000);
    assert_eq!(
        all.last()
            .map(|r| (r.unit, r.period, r.item.as_str(), r.value)),
        Some((p2, Period::Month(2025, 12), "i249", Some(112_249.0)))
    );
    let march = store
        .evaluation_inputs("zone", &[Period::Month(2025, 3)])
        .await
        .unwrap();
    assert_eq!(march.len(), 500);
    assert_eq!(
        march[0].value,
        Some(3_000.0),
        "P1 before P2 within the period"
    );
    assert_eq!(audit_entries(&store, "evaluation_inputs").await.len(), 1);

    // All or nothing holds past the first chunk too.
    let mut bad = entries.clone();
    bad.push(input(
        "zone",
        UnitId(-1),
        Period::Year(2025),
        "x",
        Some(1.0),
    ));
    assert!(
        store
            .record_evaluation_inputs(&bad, &actor())
            .await
            .is_err()
    );
    assert_eq!(
        store
            .evaluation_input_history("zone", p1, "i000")
            .await
            .unwrap()
            .len(),
        12
    );
    assert_eq!(audit_entries(&store, "evaluation_inputs").await.len(), 1);
}

// ---- runs ----

async fn a_run_comes_back_byte_for_byte(store: Db) {
    load(&store).await;
    let z = unit(&store, "Z").await;
    let scheme = store
        .save_scheme("zone", "code = \"zone\"", &actor())
        .await
        .unwrap();
    // Text the application might write, kept as is: Chinese, escapes, odd spacing, keys in
    // no sorted order, numbers written in ways JSON would normalise, trailing blanks.
    let inputs = "{ \"单位\" : [\"园区一\",\"园区二\"],\n\t\"x\":1.50, \"a\":1e3, \"esc\":\"\\u00e9\\n\" }  \n";
    let mut result = String::from("{\"scores\":[");
    for i in 0..20_000 {
        if i > 0 {
            result.push(',');
        }
        result.push_str(&format!(
            "{{\"unit\":{i},\"名称\":\"园区{i}·综合评价\",\"score\":{}.{:03}}}",
            i % 100,
            i % 1000
        ));
    }
    result.push_str("],\"说明\":\"第一名：园区〇；排名依据《评价办法》\"}");
    assert!(result.len() > 1_000_000);

    let new = NewEvaluationRun {
        inputs: inputs.to_string(),
        result: result.clone(),
        basis: "all".to_string(),
        inputs_digest: "sha256:0f1e2d".to_string(),
        ..run("zone", scheme.id, Period::Year(2025), z)
    };
    let saved = store
        .save_evaluation_run(&new, &Actor::user(4, "evaluator", AT))
        .await
        .unwrap();
    assert_eq!(
        saved,
        EvaluationRunSummary {
            id: saved.id,
            scheme: "zone".to_string(),
            scheme_version: scheme.id,
            period: Period::Year(2025),
            scope: z,
            basis: "all".to_string(),
            inputs_digest: "sha256:0f1e2d".to_string(),
            created_at: saved.created_at,
            created_by: "evaluator".to_string(),
        }
    );
    assert!(saved.created_at > 0);

    let back = store.evaluation_run(saved.id).await.unwrap().unwrap();
    assert_eq!(back.summary, saved);
    assert_eq!(back.inputs.as_bytes(), inputs.as_bytes());
    assert_eq!(back.result.len(), result.len());
    assert!(back.result == result, "the result comes back byte for byte");
    assert_eq!(store.evaluation_run(saved.id + 1).await.unwrap(), None);

    let audited = audit_entries(&store, "evaluation_run").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(
        (
            audited[0].action.as_str(),
            audited[0].entity_key.as_str(),
            audited[0].actor_name.as_str()
        ),
        (
            "evaluation_run.save",
            saved.id.to_string().as_str(),
            "evaluator"
        )
    );
    let after = audited[0].after.as_ref().unwrap();
    assert_eq!(after["scheme_version"], scheme.id);
    assert_eq!(after["period"], "2025");
    assert_eq!(after["inputs_digest"], "sha256:0f1e2d");
}

async fn runs_are_listed_newest_first_and_by_scheme(store: Db) {
    load(&store).await;
    let (z, p1) = (unit(&store, "Z").await, unit(&store, "P1").await);
    assert!(store.evaluation_runs(None).await.unwrap().is_empty());
    let zone1 = store.save_scheme("zone", "v1", &actor()).await.unwrap();
    let park = store.save_scheme("park", "v1", &actor()).await.unwrap();
    let zone2 = store.save_scheme("zone", "v2", &actor()).await.unwrap();

    let a = store
        .save_evaluation_run(&run("zone", zone1.id, Period::Year(2024), z), &actor())
        .await
        .unwrap();
    let b = store
        .save_evaluation_run(&run("park", park.id, Period::Year(2025), p1), &actor())
        .await
        .unwrap();
    let c = store
        .save_evaluation_run(&run("zone", zone2.id, Period::Year(2025), z), &actor())
        .await
        .unwrap();
    // The same run again is kept again: runs are never merged nor replaced.
    let d = store
        .save_evaluation_run(&run("zone", zone2.id, Period::Year(2025), z), &actor())
        .await
        .unwrap();
    assert!(a.id < b.id && b.id < c.id && c.id < d.id);
    assert_eq!(c.inputs_digest, d.inputs_digest);

    assert_eq!(
        store.evaluation_runs(None).await.unwrap(),
        vec![d.clone(), c.clone(), b.clone(), a.clone()]
    );
    assert_eq!(
        store.evaluation_runs(Some("zone")).await.unwrap(),
        vec![d.clone(), c.clone(), a.clone()]
    );
    assert_eq!(
        store.evaluation_runs(Some("park")).await.unwrap(),
        vec![b.clone()]
    );
    assert!(
        store
            .evaluation_runs(Some("other"))
            .await
            .unwrap()
            .is_empty()
    );
    // An old run still names the version it was run with.
    assert_eq!(
        store.evaluation_run(a.id).await.unwrap().unwrap().summary,
        a
    );
    assert_eq!(a.scheme_version, zone1.id);
    assert_eq!(audit_entries(&store, "evaluation_run").await.len(), 4);
}

async fn a_run_of_an_unknown_scheme_version_or_scope_is_refused(store: Db) {
    load(&store).await;
    let z = unit(&store, "Z").await;
    let zone = store.save_scheme("zone", "v1", &actor()).await.unwrap();
    let park = store.save_scheme("park", "v1", &actor()).await.unwrap();
    let audited = audit_total(&store).await;
    let y25 = Period::Year(2025);

    let err = store
        .save_evaluation_run(&run("zone", park.id + 100, y25, z), &actor())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound { entity: "evaluation_scheme", key }
            if *key == format!("zone/{}", park.id + 100)),
        "{err:?}"
    );
    // A version of another scheme is not a version of this one.
    let err = store
        .save_evaluation_run(&run("zone", park.id, y25, z), &actor())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotFound {
                entity: "evaluation_scheme",
                ..
            }
        ),
        "{err:?}"
    );
    let err = store
        .save_evaluation_run(&run("zone", zone.id, y25, UnitId(9_999)), &actor())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound { entity: "unit", key } if key == "9999"),
        "{err:?}"
    );

    assert!(store.evaluation_runs(None).await.unwrap().is_empty());
    assert_eq!(audit_total(&store).await, audited);
    // The good run goes through.
    store
        .save_evaluation_run(&run("zone", zone.id, y25, z), &actor())
        .await
        .unwrap();
    assert_eq!(store.evaluation_runs(None).await.unwrap().len(), 1);
}

/// Monitoring reads nothing of evaluation: its fingerprint, which decides when monitoring
/// recomputes, stays where it is however much is evaluated.
async fn evaluation_writes_leave_the_monitoring_fingerprint_alone(store: Db) {
    load(&store).await;
    let (z, p1) = (unit(&store, "Z").await, unit(&store, "P1").await);
    let before = store.monitoring_fingerprint().await.unwrap();

    let scheme = store.save_scheme("zone", "v1", &actor()).await.unwrap();
    store
        .record_evaluation_inputs(
            &[input("zone", p1, Period::Year(2025), "panel", Some(1.0))],
            &actor(),
        )
        .await
        .unwrap();
    store
        .save_evaluation_run(&run("zone", scheme.id, Period::Year(2025), z), &actor())
        .await
        .unwrap();
    assert_eq!(store.monitoring_fingerprint().await.unwrap(), before);

    // While a statistic still moves it.
    store
        .record_statistics(
            &[NewStatistic {
                unit: p1,
                period: Period::Year(2025),
                code: "gdp".to_string(),
                value: Some(1.0),
                note: None,
            }],
            &actor(),
        )
        .await
        .unwrap();
    assert_ne!(store.monitoring_fingerprint().await.unwrap(), before);
}
