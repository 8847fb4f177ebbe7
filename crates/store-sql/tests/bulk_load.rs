//! The speed of `load_dataset` at the national example's size: about 2,200 units and
//! 250,000 enterprises with their locations and recognitions; and of the reads monitoring
//! makes of a period with a filing from each of them. Ignored by default (they take a
//! while in a debug build); run them with
//!
//! ```text
//! cargo test --release -p innozone-store-sql --test bulk_load -- --ignored --nocapture
//! ```
//!
//! It runs on PostgreSQL instead when INNOZONE_TEST_POSTGRES_URL is set.

use std::collections::BTreeMap;
use std::time::Instant;

use innozone_domain::registry::dataset::{
    Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership,
};
use innozone_domain::registry::{
    CreditCode, EnterpriseDraft, IndustryCode, Recognition, RegistrationType, SizeClass, Tier,
    UnitCode, UnitDraft, UnitKind,
};
use innozone_domain::reporting::{FilingAction, FilingState, FilingStatus, Form, Period};
use innozone_store::{Actor, EnterpriseQuery, NewRevision, PeriodRecord};
use rand::{RngExt, SeedableRng};
use time::macros::date;

/// When the tests' writes happen: the store never reads the clock, its caller says.
const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

const PARKS: usize = 2_200;
const ENTERPRISES: u32 = 250_000;

fn national() -> Dataset {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let unit = |code: String, kind| UnitDraft {
        name_zh: format!("{code} 园区"),
        code: UnitCode::parse(&code).unwrap(),
        name_en: None,
        kind,
        area_km2: Some(10.0),
        population: None,
        leading_industries: vec!["新材料".into(), "生物医药".into()],
        spatial_role: None,
    };
    let mut units = vec![unit("CN".into(), UnitKind::Zone)];
    let mut memberships = Vec::new();
    for p in 0..PARKS {
        let code = format!("P{p:04}");
        units.push(unit(code.clone(), UnitKind::Park));
        memberships.push(DatasetMembership {
            child: UnitCode::parse(&code).unwrap(),
            parent: UnitCode::parse("CN").unwrap(),
            from: date!(2015 - 01 - 01),
            until: None,
        });
    }
    let industries = ["2710", "6511", "3911", "4411", "7310", "0610"];
    let enterprises = (0..ENTERPRISES)
        .map(|n| {
            let park = |rng: &mut rand::rngs::StdRng| {
                UnitCode::parse(&format!("P{:04}", rng.random_range(0..PARKS))).unwrap()
            };
            let mut locations = Vec::new();
            if n % 4 == 0 {
                locations.push(DatasetLocation {
                    park: park(&mut rng),
                    from: date!(2016 - 01 - 01),
                    until: Some(date!(2021 - 01 - 01)),
                });
                locations.push(DatasetLocation {
                    park: park(&mut rng),
                    from: date!(2021 - 01 - 01),
                    until: None,
                });
            } else {
                locations.push(DatasetLocation {
                    park: park(&mut rng),
                    from: date!(2018 - 01 - 01),
                    until: None,
                });
            }
            let recognitions = if n % 3 == 0 {
                vec![Recognition {
                    tier: Tier::HighTech,
                    certificate_no: format!("GR2023{n:08}"),
                    issued_on: date!(2023 - 01 - 01),
                    expires_on: Some(date!(2026 - 01 - 01)),
                }]
            } else {
                vec![]
            };
            DatasetEnterprise {
                draft: EnterpriseDraft {
                    credit_code: CreditCode::complete(&format!("91620100MA{n:07}")).unwrap(),
                    name: format!("兰州{n:06}科技有限公司"),
                    industry: IndustryCode::parse(industries[n as usize % industries.len()])
                        .unwrap(),
                    high_tech_field: None,
                    size_class: if n % 5 == 0 {
                        SizeClass::AboveScale
                    } else {
                        SizeClass::BelowScale
                    },
                    registration_type: RegistrationType::Private,
                    contact_name: Some("张伟".into()),
                    contact_phone: Some("0931-8888888".into()),
                    in_survey: n % 7 != 0,
                },
                locations,
                recognitions,
            }
        })
        .collect();
    Dataset {
        units,
        memberships,
        enterprises,
    }
}

#[tokio::test]
#[ignore = "a benchmark: run with --release --ignored --nocapture"]
async fn loads_the_national_example_quickly() {
    let dataset = national();
    let store = innozone_store_sql::testing::fresh_store().await;
    let started = Instant::now();
    let summary = store
        .load_dataset(&dataset, &Actor::system(AT), &|_| {})
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(summary.created, (PARKS + 1) as u64 + u64::from(ENTERPRISES));
    println!(
        "{}: loaded {} units and {} enterprises in {:.1} s ({:.0} enterprises/s)",
        store.backend(),
        PARKS + 1,
        ENTERPRISES,
        elapsed.as_secs_f64(),
        f64::from(ENTERPRISES) / elapsed.as_secs_f64()
    );

    // The reads the web pages make must stay fast at this size.
    let started = Instant::now();
    let page = store
        .search_enterprises(&EnterpriseQuery {
            today: Some(date!(2024 - 06 - 01)),
            limit: 50,
            ..EnterpriseQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, i64::from(ENTERPRISES));
    let first_page = started.elapsed();
    let park = store
        .hierarchy()
        .await
        .unwrap()
        .unit_by_code("P0042")
        .unwrap()
        .id;
    let started = Instant::now();
    let in_park = store
        .search_enterprises(&EnterpriseQuery {
            units: Some(vec![park]),
            text: Some("科技".into()),
            tier: Some(Tier::HighTech),
            today: Some(date!(2024 - 06 - 01)),
            limit: 50,
            ..EnterpriseQuery::default()
        })
        .await
        .unwrap();
    let park_page = started.elapsed();
    let all_parks: Vec<_> = store
        .hierarchy()
        .await
        .unwrap()
        .units()
        .map(|u| u.id)
        .collect();
    let started = Instant::now();
    let zone_page = store
        .search_enterprises(&EnterpriseQuery {
            units: Some(all_parks.clone()),
            today: Some(date!(2024 - 06 - 01)),
            offset: 1_000,
            limit: 50,
            ..EnterpriseQuery::default()
        })
        .await
        .unwrap();
    let zone_time = started.elapsed();
    assert_eq!(
        (zone_page.total, zone_page.items.len()),
        (i64::from(ENTERPRISES), 50)
    );
    let started = Instant::now();
    let figures = store
        .unit_figures(&all_parks, date!(2024 - 06 - 01))
        .await
        .unwrap();
    let figures_time = started.elapsed();
    assert_eq!(
        figures.values().map(|f| f.enterprises).sum::<i64>(),
        i64::from(ENTERPRISES)
    );
    println!(
        "first page of all: {:.0} ms; one park filtered ({} found): {:.0} ms; page 21 of every park: {:.0} ms; \
         figures of every unit: {:.0} ms",
        first_page.as_secs_f64() * 1e3,
        in_park.total,
        park_page.as_secs_f64() * 1e3,
        zone_time.as_secs_f64() * 1e3,
        figures_time.as_secs_f64() * 1e3
    );
}

/// Fields of the benchmark's form, about as many as the Torch annual form's main table.
const FIELDS: usize = 40;

fn torch_like() -> Form {
    let mut text = String::from(
        "code = \"bench\"\nversion = 1\nname_zh = \"基准表\"\nname_en = \"Bench\"\nperiod = \"annual\"\ndeadline_days = 90\n",
    );
    for f in 0..FIELDS {
        text.push_str(&format!(
            "\n[[fields]]\ncode = \"f{f:02}\"\nzh = \"指标{f}\"\nen = \"Field {f}\"\nunit = \"thousand_yuan\"\ntype = \"decimal\"\n"
        ));
    }
    Form::parse(&text).unwrap()
}

/// The steps each enterprise's filing goes through, by its number: 70 % approved, 15 %
/// awaiting review, 5 % approved, locked, reopened and re-submitted, 5 % returned, 5 %
/// drafts.
fn steps_of(n: usize) -> &'static [FilingAction] {
    use FilingAction::*;
    match n % 20 {
        0..=13 => &[Submit, Approve],
        14..=16 => &[Submit],
        17 => &[Submit, Approve, Lock, Reopen, Submit],
        18 => &[Submit, Return],
        _ => &[SaveDraft],
    }
}

#[tokio::test]
#[ignore = "a benchmark: run with --release --ignored --nocapture"]
async fn counts_the_national_filings_quickly() {
    let dataset = national();
    let store = match std::env::var("TMP_BENCH_DB") {
        Ok(p) => innozone_store_sql::connect(&p).await.unwrap(),
        Err(_) => innozone_store_sql::testing::fresh_store().await,
    };
    store
        .load_dataset(&dataset, &Actor::system(AT), &|_| {})
        .await
        .unwrap();
    let form = torch_like();
    let period = Period::Year(2025);
    store.save_form(&form, &Actor::system(AT)).await.unwrap();
    store
        .save_period(
            &PeriodRecord {
                form_code: "bench".into(),
                period,
                form_version: 1,
                deadline: date!(2026 - 03 - 31),
            },
            &Actor::system(AT),
        )
        .await
        .unwrap();
    let codes: Vec<_> = dataset
        .enterprises
        .iter()
        .map(|e| e.draft.credit_code.clone())
        .collect();
    let ids = store.enterprise_ids(&codes).await.unwrap();
    let enterprises: Vec<_> = codes.iter().map(|c| ids[c]).collect();

    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let values: Vec<BTreeMap<String, f64>> = (0..enterprises.len())
        .map(|_| {
            form.fields
                .iter()
                .filter_map(|f| {
                    let value = f64::from(rng.random_range(0..1_000_000)) / 10.0;
                    // A tenth of the fields left blank.
                    (rng.random_range(0..10) > 0).then(|| (f.code.clone(), value))
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    let mut written = 0;
    for round in 0..5 {
        let revisions: Vec<NewRevision> = enterprises
            .iter()
            .enumerate()
            .filter_map(|(n, e)| {
                let action = *steps_of(n).get(round)?;
                let (status, locked) = match action {
                    FilingAction::SaveDraft => (FilingStatus::Draft, false),
                    FilingAction::Submit => (FilingStatus::Submitted, false),
                    FilingAction::Approve => (FilingStatus::Approved, false),
                    FilingAction::Lock => (FilingStatus::Approved, true),
                    FilingAction::Return | FilingAction::Reopen => (FilingStatus::Returned, false),
                };
                Some(NewRevision {
                    form_code: "bench".into(),
                    form_version: 1,
                    period,
                    enterprise: *e,
                    after_revision: round as i32,
                    action,
                    state: FilingState { status, locked },
                    values: values[n].clone(),
                    explanations: BTreeMap::new(),
                    note: action.needs_reason().then(|| "理由".to_string()),
                    actor: None,
                    at: 1_700_000_000 + round as i64,
                })
            })
            .collect();
        written += store
            .record_revisions(&revisions, &Actor::system(AT), &|_| {})
            .await
            .unwrap();
    }
    println!(
        "{}: {} revisions of {} filings written in {:.1} s",
        store.backend(),
        written,
        enterprises.len(),
        started.elapsed().as_secs_f64()
    );

    for round in 0..3 {
        let started = Instant::now();
        let approved = store.counted_filings("bench", period, false).await.unwrap();
        let approved_time = started.elapsed();
        let started = Instant::now();
        let all = store.counted_filings("bench", period, true).await.unwrap();
        let all_time = started.elapsed();
        let n = enterprises.len();
        let expected_approved = (0..n).filter(|i| i % 20 <= 13 || i % 20 == 17).count();
        let expected_all = (0..n).filter(|i| i % 20 <= 17).count();
        assert_eq!(
            (approved.len(), all.len()),
            (expected_approved, expected_all)
        );
        assert!(
            approved
                .iter()
                .all(|c| c.approved && c.values.0.len() == FIELDS)
        );
        let started = Instant::now();
        let fingerprint = store.filings_fingerprint("bench", period).await.unwrap();
        let filings_fingerprint = started.elapsed();
        let started = Instant::now();
        store.monitoring_fingerprint().await.unwrap();
        let monitoring_fingerprint = started.elapsed();
        let started = Instant::now();
        let profiles = store.enterprise_profiles().await.unwrap();
        let profiles_time = started.elapsed();
        let started = Instant::now();
        let tiers = store.recognitions_on(date!(2024 - 06 - 01)).await.unwrap();
        let tiers_time = started.elapsed();
        assert_eq!(profiles.len(), n);
        assert!(fingerprint > 0 && !tiers.is_empty());
        println!(
            "run {}: counted filings, approved ({}): {:.0} ms; with those awaiting review ({}): {:.0} ms; \
             filings fingerprint: {:.1} ms; monitoring fingerprint: {:.1} ms; {} profiles: {:.0} ms; \
             {} recognitions on a day: {:.0} ms",
            round + 1,
            approved.len(),
            approved_time.as_secs_f64() * 1e3,
            all.len(),
            all_time.as_secs_f64() * 1e3,
            filings_fingerprint.as_secs_f64() * 1e3,
            monitoring_fingerprint.as_secs_f64() * 1e3,
            profiles.len(),
            profiles_time.as_secs_f64() * 1e3,
            tiers.len(),
            tiers_time.as_secs_f64() * 1e3,
        );
    }
}
