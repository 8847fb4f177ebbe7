//! The monitoring engine against an independent SQL computation over the same store:
//! the shipped catalogue's indicators for a zone, a district and a park, on approved
//! filings and on all submitted ones, recomputed with plain SQL (recursive membership on
//! the date, locations on the date, the latest counted revision of each filing, the
//! values read out of its JSON) must give exactly the same numbers. Also: a filing's
//! change reaches the figures, and users outside a unit cannot read its figures.
//!
//! SQLite only: the SQL below reads the store's tables directly, which a test can do on
//! a file; the store's own behaviour on PostgreSQL is tested in the store crate.

use std::collections::BTreeMap;
use std::sync::Arc;

use innozone_app::monitoring::{Basis, Monitor, dashboard, install_catalogue, record_statistics};
use innozone_app::reporting::install_form;
use innozone_domain::accounts::{Binding, Principal, Role};
use innozone_domain::registry::{EnterpriseId, UnitId};
use innozone_domain::reporting::{FilingAction, FilingState, FilingStatus, Period};
use innozone_store::{Actor, NewRevision, Store};
use sqlx::Row;
use sqlx::sqlite::SqlitePool;

const FORM: &str = "torch_annual";

fn admin() -> Principal {
    Principal {
        user_id: 1,
        username: "admin".into(),
        role: Role::Administrator,
        binding: Binding::Everything,
    }
}

struct Fixture {
    store: Arc<dyn Store>,
    pool: SqlitePool,
    _folder: TempFolder,
}

struct TempFolder(std::path::PathBuf);

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The built-in registry, both forms, the shipped catalogue, two years of annual filings
/// for every enterprise in the survey (one in seven of 2025's left awaiting review), and
/// statistics for 兰白 and its districts: loaded once per test process into a template
/// file, which each test copies.
async fn fixture() -> Fixture {
    let template = innozone_store_sql::testing::sqlite_template_file(
        "app monitoring: two years of bulk annual filings",
        fill,
    )
    .await;
    let folder = std::env::temp_dir().join(format!(
        "innozone-monitoring-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("store.db");
    std::fs::copy(&template, &path).unwrap();
    let store = innozone_store_sql::connect(path.to_str().unwrap())
        .await
        .unwrap();
    let pool = SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    Fixture {
        store,
        pool,
        _folder: TempFolder(folder),
    }
}

async fn fill(store: Arc<dyn Store>) {
    let dataset = innozone_example::builtin();
    store
        .load_dataset(
            &dataset,
            &Actor::system(innozone_app::clock::now_unix()),
            &|_| {},
        )
        .await
        .unwrap();
    let forms = innozone_example::filings::forms();
    for form in &forms {
        install_form(store.as_ref(), &admin(), &form.source)
            .await
            .unwrap();
    }
    let annual = forms.iter().find(|f| f.code == FORM).unwrap();
    let stored = {
        let codes: Vec<_> = dataset
            .enterprises
            .iter()
            .map(|e| e.draft.credit_code.clone())
            .collect();
        store.stored_enterprises(&codes).await.unwrap()
    };
    for year in [2024, 2025] {
        let period = Period::Year(year);
        store
            .save_period(
                &innozone_store::PeriodRecord {
                    form_code: FORM.into(),
                    period,
                    form_version: annual.version,
                    deadline: annual.deadline(period),
                },
                &Actor::system(innozone_app::clock::now_unix()),
            )
            .await
            .unwrap();
        let mut revisions = Vec::new();
        for (n, (enterprise, values, explanation)) in
            innozone_example::filings::bulk_filings(&dataset, annual, period)
                .into_iter()
                .enumerate()
        {
            let id = stored[&enterprise.draft.credit_code].id;
            let map: BTreeMap<String, f64> = annual
                .fields
                .iter()
                .zip(&values.0)
                .filter_map(|(f, v)| v.map(|v| (f.code.clone(), v)))
                .collect();
            let explanations: BTreeMap<String, String> = explanation
                .map(|text| {
                    annual
                        .assess(&values, Default::default())
                        .warnings()
                        .filter_map(|w| match w.problem {
                            innozone_domain::reporting::Problem::Rule(i) => {
                                Some((annual.rules[i].code.clone(), text.clone()))
                            }
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let submitted = FilingState::new_filing(FilingAction::Submit, false).unwrap();
            revisions.push(NewRevision {
                form_code: FORM.into(),
                form_version: annual.version,
                period,
                enterprise: id,
                after_revision: 0,
                action: FilingAction::Submit,
                state: submitted,
                values: map.clone(),
                explanations: explanations.clone(),
                note: None,
                actor: None,
                at: 1_700_000_000,
            });
            // One in seven of 2025's stays submitted, awaiting review.
            if year == 2024 || n % 7 != 3 {
                revisions.push(NewRevision {
                    after_revision: 1,
                    action: FilingAction::Approve,
                    state: submitted.after(FilingAction::Approve, None, false).unwrap(),
                    ..revisions.last().unwrap().clone()
                });
            }
        }
        store
            .record_revisions(
                &revisions,
                &Actor::system(innozone_app::clock::now_unix()),
                &|_| {},
            )
            .await
            .unwrap();
    }
    install_catalogue(
        store.as_ref(),
        &admin(),
        innozone_example::monitoring::INDICATORS,
    )
    .await
    .unwrap();
    let hierarchy = store.hierarchy().await.unwrap();
    let unit = |code: &str| hierarchy.unit_by_code(code).unwrap().id;
    // GDP and population for the zone and two districts, in 亿元 and 万人.
    let mut values = Vec::new();
    for (code, gdp, population) in [
        ("LB", 1500.0, 540.0),
        ("LB-GX", 420.0, 120.0),
        ("LB-BY", 260.0, 90.0),
    ] {
        values.push((unit(code), "gdp".to_string(), Some(gdp)));
        values.push((unit(code), "population".to_string(), Some(population)));
        values.push((unit(code), "rd_institutions".to_string(), Some(gdp * 0.004)));
    }
    record_statistics(store.as_ref(), &admin(), Period::Year(2025), &values, None)
        .await
        .unwrap();
}

/// Sums and counts over the enterprises located within `unit` on 31 December of `year`,
/// from each filing's latest counted revision: plain SQL, written apart from the engine.
async fn sql_totals(
    pool: &SqlitePool,
    unit: UnitId,
    year: i32,
    include_unapproved: bool,
    index: &dyn Fn(&str) -> usize,
) -> BTreeMap<&'static str, f64> {
    let day = format!("{year}-12-31");
    // A filing counts with its current values when it stands approved (or, including
    // unapproved ones, submitted); otherwise with its latest approved revision, if any.
    let statuses = if include_unapproved {
        "('approved', 'submitted')"
    } else {
        "('approved')"
    };
    let field = |code: &str| {
        format!(
            "CAST(json_extract(c.values_json, '$[{}]') AS REAL)",
            index(code)
        )
    };
    let sql = format!(
        "WITH RECURSIVE within(id) AS ( \
           SELECT $1 \
           UNION SELECT m.child_id FROM unit_memberships m JOIN within w ON m.parent_id = w.id \
           WHERE m.from_date <= $2 AND (m.until_date IS NULL OR m.until_date > $2) \
         ), located AS ( \
           SELECT l.enterprise_id, e.industry_code, e.size_class FROM enterprise_locations l \
           JOIN enterprises e ON e.id = l.enterprise_id \
           WHERE l.park_id IN (SELECT id FROM within) \
             AND l.from_date <= $2 AND (l.until_date IS NULL OR l.until_date > $2) \
         ), counted AS ( \
           SELECT f.enterprise_id, r.values_json FROM filings f \
           JOIN filing_revisions r ON r.filing_id = f.id \
           WHERE f.form_code = '{FORM}' AND f.period = $3 AND r.number = ( \
             CASE WHEN f.status IN {statuses} THEN f.revision ELSE ( \
               SELECT MAX(number) FROM filing_revisions x \
               WHERE x.filing_id = f.id AND x.status = 'approved') END) \
         ) \
         SELECT \
           (SELECT COUNT(*) FROM located) AS enterprises, \
           (SELECT COUNT(*) FROM located lo WHERE EXISTS (SELECT 1 FROM recognitions g \
              WHERE g.enterprise_id = lo.enterprise_id AND g.tier = 'high_tech' \
              AND g.issued_on <= $2 AND (g.expires_on IS NULL OR g.expires_on > $2))) AS high_tech, \
           SUM({rd}) AS rd, SUM({revenue}) AS revenue, \
           SUM(CASE WHEN lo.size_class = 'above_scale' AND CAST(substr(lo.industry_code, 1, 2) AS INTEGER) BETWEEN 6 AND 46 \
                    AND {rd} > 0 THEN 1 ELSE 0 END) AS rd_active, \
           SUM(CASE WHEN lo.size_class = 'above_scale' AND CAST(substr(lo.industry_code, 1, 2) AS INTEGER) BETWEEN 6 AND 46 \
                    THEN 1 ELSE 0 END) AS industrial_filed \
         FROM counted c JOIN located lo ON lo.enterprise_id = c.enterprise_id",
        rd = field("rd_expenditure_internal"),
        revenue = field("revenue"),
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(unit.0)
        .bind(&day)
        .bind(year.to_string())
        .fetch_one(pool)
        .await
        .unwrap();
    let mut out = BTreeMap::new();
    for name in ["enterprises", "high_tech", "rd_active", "industrial_filed"] {
        out.insert(name, row.get::<i64, _>(name) as f64);
    }
    for name in ["rd", "revenue"] {
        out.insert(name, row.get::<Option<f64>, _>(name).unwrap_or(f64::NAN));
    }
    out
}

async fn statistic(pool: &SqlitePool, unit: UnitId, code: &str) -> f64 {
    sqlx::query_scalar::<_, f64>(
        "SELECT value FROM unit_statistics WHERE unit_id = $1 AND code = $2 AND period = '2025' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(unit.0)
    .bind(code)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn same(engine: f64, sql: f64, what: &str) {
    let tolerance = 1e-9 * sql.abs().max(1.0);
    assert!(
        (engine - sql).abs() <= tolerance,
        "{what}: engine {engine}, SQL {sql}"
    );
}

#[tokio::test]
async fn the_engine_agrees_with_an_independent_sql_computation() {
    let f = fixture().await;
    let store = f.store.as_ref();
    let annual = innozone_example::filings::forms()
        .into_iter()
        .find(|x| x.code == FORM)
        .unwrap();
    let index = |code: &str| annual.field_index(code).unwrap();
    let hierarchy = store.hierarchy().await.unwrap();
    let monitor = Monitor::new();
    for basis in [Basis::Approved, Basis::IncludingUnapproved] {
        for code in ["LB", "LB-GX", "LB-GX-YT", "LB-BY-LC"] {
            let unit = hierarchy.unit_by_code(code).unwrap().id;
            let d = dashboard(
                store,
                &monitor,
                &admin(),
                unit,
                Period::Year(2025),
                basis,
                None,
                false,
            )
            .await
            .unwrap()
            .unwrap();
            let catalogue = &d.snapshot.catalogue;
            let value = |indicator: &str| {
                let (i, _) = catalogue.indicator(indicator).unwrap();
                d.cards.iter().find(|c| c.indicator == i).unwrap().value
            };
            let sql = sql_totals(&f.pool, unit, 2025, basis.includes_unapproved(), &index).await;
            let label = |what: &str| format!("{code} {what} ({basis:?})");
            same(
                value("enterprises_total").unwrap(),
                sql["enterprises"],
                &label("enterprises"),
            );
            same(
                value("high_tech_enterprises").unwrap(),
                sql["high_tech"],
                &label("high-tech"),
            );
            // 千元 over 千元: the units cancel; percent.
            same(
                value("enterprise_rd_intensity").unwrap(),
                sql["rd"] / sql["revenue"] * 100.0,
                &label("R&D over revenue"),
            );
            if sql["industrial_filed"] > 0.0 {
                same(
                    value("rd_active_share").unwrap(),
                    sql["rd_active"] / sql["industrial_filed"] * 100.0,
                    &label("industrial enterprises with R&D"),
                );
            } else {
                assert_eq!(
                    value("rd_active_share"),
                    Err(innozone_domain::monitoring::Unavailable::DivisionByZero),
                    "{}",
                    label("no industrial enterprise above scale filed")
                );
            }
            if code == "LB" || code == "LB-GX" {
                // 千元 × 1,000 plus 亿元 × 10⁸, over 亿元 × 10⁸.
                let gdp = statistic(&f.pool, unit, "gdp").await;
                let institutions = statistic(&f.pool, unit, "rd_institutions").await;
                same(
                    value("rd_intensity").unwrap(),
                    (sql["rd"] * 1e3 + institutions * 1e8) / (gdp * 1e8) * 100.0,
                    &label("R&D over GDP"),
                );
            } else {
                // No GDP is entered for a park: unavailable, and says which statistic.
                assert!(matches!(
                    value("rd_intensity"),
                    Err(innozone_domain::monitoring::Unavailable::MissingStatistic { .. })
                ));
            }
        }
    }
}

#[tokio::test]
async fn a_returned_filing_leaves_the_figures_and_only_its_period_is_read_again() {
    let f = fixture().await;
    let store = f.store.as_ref();
    let hierarchy = store.hierarchy().await.unwrap();
    let zone = hierarchy.unit_by_code("LB").unwrap().id;
    let monitor = Monitor::new();
    let revenue = |d: &innozone_app::monitoring::Dashboard| {
        let (i, _) = d
            .snapshot
            .catalogue
            .indicator("enterprise_rd_intensity")
            .unwrap();
        d.cards
            .iter()
            .find(|c| c.indicator == i)
            .unwrap()
            .value
            .unwrap()
    };
    let before = dashboard(
        store,
        &monitor,
        &admin(),
        zone,
        Period::Year(2025),
        Basis::IncludingUnapproved,
        None,
        false,
    )
    .await
    .unwrap()
    .unwrap();
    // The dashboard's series (2020 to 2025, six years at the least when no target
    // reaches further back) and 2019, which 2020's growth looks back to: read once each.
    let loaded = monitor.periods_loaded();
    assert_eq!(loaded, 7);
    // Asked again with nothing changed: answered from memory, not read nor computed.
    let computed = monitor.computations();
    let again = dashboard(
        store,
        &monitor,
        &admin(),
        zone,
        Period::Year(2025),
        Basis::IncludingUnapproved,
        None,
        false,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(monitor.periods_loaded(), loaded);
    assert_eq!(monitor.computations(), computed);
    assert!(Arc::ptr_eq(
        &before.snapshot.computation,
        &again.snapshot.computation
    ));
    // An enterprise awaiting review is returned: its values leave the figures.
    let pending: (i64, i64) = sqlx::query_as(
        "SELECT f.id, f.enterprise_id FROM filings f WHERE f.period = '2025' AND f.status = 'submitted' LIMIT 1",
    )
    .fetch_one(&f.pool)
    .await
    .unwrap();
    let filing = store.filing_by_id(pending.0).await.unwrap().unwrap();
    store
        .record_revisions(
            &[NewRevision {
                form_code: FORM.into(),
                form_version: filing.form_version,
                period: Period::Year(2025),
                enterprise: EnterpriseId(pending.1),
                after_revision: filing.revision,
                action: FilingAction::Return,
                state: filing
                    .state
                    .after(FilingAction::Return, Some("核实研发费用"), false)
                    .unwrap(),
                values: filing.values.clone(),
                explanations: filing.explanations.clone(),
                note: Some("核实研发费用".into()),
                actor: None,
                at: 1_700_000_100,
            }],
            &Actor::system(innozone_app::clock::now_unix()),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .filing_by_id(pending.0)
            .await
            .unwrap()
            .unwrap()
            .state
            .status,
        FilingStatus::Returned
    );
    let after = dashboard(
        store,
        &monitor,
        &admin(),
        zone,
        Period::Year(2025),
        Basis::IncludingUnapproved,
        None,
        false,
    )
    .await
    .unwrap()
    .unwrap();
    let index = |code: &str| {
        innozone_example::filings::forms()
            .into_iter()
            .find(|x| x.code == FORM)
            .unwrap()
            .field_index(code)
            .unwrap()
    };
    // Only 2025, whose filings changed, was read again, and the indicators computed anew.
    assert_eq!(monitor.periods_loaded(), loaded + 1);
    assert_eq!(monitor.computations(), computed + 1);
    let sql = sql_totals(&f.pool, zone, 2025, true, &index).await;
    same(
        revenue(&after),
        sql["rd"] / sql["revenue"] * 100.0,
        "after the return",
    );
    assert_ne!(revenue(&before), revenue(&after));
}

#[tokio::test]
async fn a_park_cannot_read_another_parks_figures_nor_a_filer_any() {
    let f = fixture().await;
    let store = f.store.as_ref();
    let hierarchy = store.hierarchy().await.unwrap();
    let park = hierarchy.unit_by_code("LB-GX-YT").unwrap().id;
    let other = hierarchy.unit_by_code("LB-BY-GX").unwrap().id;
    let monitor = Monitor::new();
    let park_staff = Principal {
        user_id: 2,
        username: "park".into(),
        role: Role::ParkStaff,
        binding: Binding::Unit(park),
    };
    let own = dashboard(
        store,
        &monitor,
        &park_staff,
        park,
        Period::Year(2025),
        Basis::Approved,
        None,
        false,
    )
    .await;
    assert!(own.unwrap().is_some());
    let foreign = dashboard(
        store,
        &monitor,
        &park_staff,
        other,
        Period::Year(2025),
        Basis::Approved,
        None,
        false,
    )
    .await;
    assert!(matches!(foreign, Err(innozone_app::AppError::Forbidden)));
    let filer = Principal {
        user_id: 3,
        username: "filer".into(),
        role: Role::EnterpriseFiler,
        binding: Binding::Enterprise(EnterpriseId(1)),
    };
    let refused = dashboard(
        store,
        &monitor,
        &filer,
        park,
        Period::Year(2025),
        Basis::Approved,
        None,
        false,
    )
    .await;
    assert!(matches!(refused, Err(innozone_app::AppError::Forbidden)));
}
