//! The speed of `load_dataset` at the national example's size: about 2,200 units and
//! 250,000 enterprises with their locations and recognitions. Ignored by default (it takes
//! a while in a debug build); run it with
//!
//! ```text
//! cargo test --release -p innozone-store-sql --test bulk_load -- --ignored --nocapture
//! ```
//!
//! It runs on PostgreSQL instead when INNOZONE_TEST_POSTGRES_URL is set.

use std::time::Instant;

use innozone_domain::registry::dataset::{
    Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership,
};
use innozone_domain::registry::{
    CreditCode, EnterpriseDraft, IndustryCode, Recognition, RegistrationType, SizeClass, Tier,
    UnitCode, UnitDraft, UnitKind,
};
use innozone_store::{Actor, EnterpriseQuery};
use rand::{RngExt, SeedableRng};
use time::macros::date;

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
        .load_dataset(&dataset, &Actor::system(), &|_| {})
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
