//! The example's enterprise cultivation end to end on a real store: the recognitions of
//! every tier derived from the filings, and every list of the cultivation pages holding
//! true entries for both zones — candidates, warnings, expiring certificates, the pool
//! with its targets — each checked against the store and the ladder's thresholds.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use innozone_app::cultivation::pool::pool;
use innozone_app::cultivation::recognitions::expiring;
use innozone_app::cultivation::{candidates, warnings};
use innozone_app::monitoring::{Basis, Monitor, dashboard};
use innozone_domain::accounts::{Binding, Principal, Role};
use innozone_domain::registry::{EnterpriseId, Hierarchy, Tier, UnitId};
use innozone_domain::reporting::Period;
use innozone_store::{RecognitionSource, Store};
use time::{Date, Month};

fn principal(role: Role, binding: Binding) -> Principal {
    Principal {
        user_id: 1,
        username: "tester".into(),
        role,
        binding,
    }
}

/// The enterprises located in `zone` or below at the end of `year`.
async fn located_in(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    zone: UnitId,
    year: i32,
) -> HashSet<EnterpriseId> {
    let date = Period::Year(year).last_day();
    let tree = hierarchy.as_of(date);
    store
        .located_on(date)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, park, _)| tree.path(*park).contains(&zone))
        .map(|(e, _, _)| e)
        .collect()
}

/// Each enterprise's approved annual filing of `year`: the values of `fields` (千元 or 人),
/// one map per field. Each form version is read once: a year has thousands of filings.
async fn filed(store: &dyn Store, year: i32, fields: &[&str]) -> Vec<HashMap<EnterpriseId, f64>> {
    let form = store
        .forms()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.code == "torch_annual")
        .unwrap();
    let mut versions = HashMap::new();
    let mut out = vec![HashMap::new(); fields.len()];
    for c in store
        .counted_filings("torch_annual", Period::Year(year), false)
        .await
        .unwrap()
    {
        if let Entry::Vacant(slot) = versions.entry(c.form_version) {
            slot.insert(
                store
                    .form("torch_annual", c.form_version)
                    .await
                    .unwrap()
                    .unwrap_or_else(|| form.clone()),
            );
        }
        let version = &versions[&c.form_version];
        for (field, values) in fields.iter().zip(&mut out) {
            let slot = version.field_index(field).unwrap();
            if let Some(v) = c.values.0.get(slot).copied().flatten() {
                values.insert(c.enterprise, v);
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_of_the_example_has_true_entries_in_both_zones() {
    // A copy of the whole example as `innozone example` loads it, on SQLite as this test
    // always ran: the store's own behaviour on PostgreSQL is tested in the store crate.
    let store = innozone_app::testing::example_sqlite_store().await;
    let store = store.as_ref();
    let hierarchy = store.hierarchy().await.unwrap();
    let admin = principal(Role::Administrator, Binding::Everything);

    // Loading again records nothing: the certificates are the same each time.
    assert_eq!(
        innozone_app::cultivation::example::load_example(store)
            .await
            .unwrap(),
        None
    );

    // Every tier has recognitions, from the example's data set (high-tech) or derived.
    let mut by_tier: HashMap<Tier, Vec<(EnterpriseId, Date)>> = HashMap::new();
    for zone in ["LB", "PZH"] {
        let id = hierarchy.unit_by_code(zone).unwrap().id;
        for e in located_in(store, &hierarchy, id, 2025).await {
            for r in store.recognition_history(e).await.unwrap() {
                if r.replaced.is_none() {
                    if r.recognition.tier != Tier::HighTech {
                        assert_eq!(r.source, RecognitionSource::Example);
                        assert!(r.authority.is_some());
                    }
                    by_tier
                        .entry(r.recognition.tier)
                        .or_default()
                        .push((e, r.recognition.issued_on));
                }
            }
        }
    }
    for tier in Tier::ALL {
        assert!(by_tier.contains_key(&tier), "no recognition of {tier:?}");
    }

    // Recognitions follow the ladder's thresholds on the filings of the year before the
    // batch: 科技型中小企业 no more than 500 employees and 200 million yuan of revenue,
    // 龙头企业 at least 1 billion yuan, 瞪羚企业 at least 10 million yuan and 44 % above two
    // years before (tiers.toml).
    let mut revenue: HashMap<i32, HashMap<EnterpriseId, f64>> = HashMap::new();
    let mut employees: HashMap<i32, HashMap<EnterpriseId, f64>> = HashMap::new();
    for year in 2012..=2025 {
        let [r, e]: [_; 2] = filed(store, year, &["revenue", "employees"])
            .await
            .try_into()
            .unwrap();
        revenue.insert(year, r);
        employees.insert(year, e);
    }
    let mut checked = 0;
    for (tier, held) in &by_tier {
        for (e, issued) in held {
            let y = issued.year() - 1;
            let r = |year: i32| revenue.get(&year).and_then(|m| m.get(e)).copied();
            match tier {
                Tier::TechSme => {
                    assert!(r(y).unwrap() <= 200_000.0, "{e:?} {y}");
                    assert!(employees[&y][e] <= 500.0, "{e:?} {y}");
                }
                Tier::Leading => assert!(r(y).unwrap() >= 1_000_000.0, "{e:?} {y}"),
                Tier::Gazelle => {
                    assert!(r(y).unwrap() >= 10_000.0, "{e:?} {y}");
                    assert!(r(y).unwrap() >= 1.44 * r(y - 2).unwrap(), "{e:?} {y}");
                }
                _ => continue,
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    // A tier is recognised only from the year its authority began.
    let first = |tier: Tier| by_tier[&tier].iter().map(|(_, d)| d.year()).min().unwrap();
    assert!(first(Tier::TechSme) >= 2017);
    assert!(first(Tier::LittleGiant) >= 2019);
    assert!(first(Tier::SingleChampion) >= 2016);

    // Candidates and warnings of every tier the filings can decide, in both zones.
    for (zone, year) in [("LB", 2023), ("PZH", 2024)] {
        let id = hierarchy.unit_by_code(zone).unwrap().id;
        let staff = principal(Role::ZoneStaff, Binding::Unit(id));
        let inside = located_in(store, &hierarchy, id, year).await;
        let end = Period::Year(year).last_day();
        let holders: HashMap<EnterpriseId, HashSet<Tier>> = {
            let mut m: HashMap<EnterpriseId, HashSet<Tier>> = HashMap::new();
            for (e, t) in store.recognitions_on(end).await.unwrap() {
                m.entry(e).or_default().insert(t);
            }
            m
        };
        let mut with_candidates = 0;
        let mut warned_total = 0;
        for tier in [
            Tier::TechSme,
            Tier::InnovativeSme,
            Tier::SpecialisedSme,
            Tier::LittleGiant,
            Tier::HighTech,
            Tier::Gazelle,
            Tier::Leading,
        ] {
            let list = candidates(store, &hierarchy, &staff, tier, year, 0.2)
                .await
                .unwrap();
            for c in &list.entries {
                assert!(inside.contains(&c.enterprise), "{zone} {tier:?}");
                assert!(
                    !holders
                        .get(&c.enterprise)
                        .is_some_and(|h| h.contains(&tier)),
                    "{zone} {tier:?}: a candidate already holds the tier"
                );
            }
            if !list.entries.is_empty() {
                with_candidates += 1;
            }
            let warned = warnings(store, &hierarchy, &staff, tier, year)
                .await
                .unwrap();
            for w in &warned.entries {
                assert!(inside.contains(&w.enterprise));
                assert!(holders[&w.enterprise].contains(&tier));
                assert!(w.criteria.iter().any(|c| c.outcome == "missed"));
            }
            warned_total += warned.entries.len();
        }
        assert!(with_candidates >= 4, "{zone}: {with_candidates} tiers");
        assert!(warned_total > 0, "{zone}: no warning");
    }

    // Certificates expiring within six months of 1 March 2025, of several tiers, each in
    // the window.
    let from = Date::from_calendar_date(2025, Month::March, 1).unwrap();
    let to = innozone_app::cultivation::recognitions::add_months(from, 6);
    let soon = expiring(store, &admin, &hierarchy, from, 6, from)
        .await
        .unwrap();
    let tiers: HashSet<Tier> = soon.iter().map(|x| x.record.recognition.tier).collect();
    assert!(tiers.len() >= 3, "{tiers:?}");
    for x in &soon {
        let expires = x.record.recognition.expires_on.unwrap();
        assert!(from <= expires && expires <= to);
    }

    // The pool of 兰白: each tier's count at the end of 2020 is the number of its holders
    // located in the zone then, and equals the monitoring indicator of the same tier; the
    // 200 innovative enterprises of 2020 are a target with its gap.
    let lanbai = hierarchy.unit_by_code("LB").unwrap().id;
    let (catalogue, targets) = {
        let c = innozone_app::monitoring::current_catalogue(store)
            .await
            .unwrap()
            .unwrap();
        let t = innozone_app::monitoring::current_targets(store, &c)
            .await
            .unwrap();
        (c, t)
    };
    let today = Date::from_calendar_date(2026, Month::January, 1).unwrap();
    let p = pool(
        store,
        &hierarchy,
        Some((&targets, &catalogue)),
        &admin,
        lanbai,
        2014..=2025,
        today,
    )
    .await
    .unwrap();
    let inside = located_in(store, &hierarchy, lanbai, 2020).await;
    let monitor = Monitor::new();
    let d = dashboard(
        store,
        &monitor,
        &admin,
        lanbai,
        Period::Year(2020),
        Basis::Approved,
        None,
        false,
    )
    .await
    .unwrap()
    .unwrap();
    let end = Period::Year(2020).last_day();
    let valid = store.recognitions_on(end).await.unwrap();
    for tier in Tier::ALL {
        let expected = valid
            .iter()
            .filter(|(e, t)| *t == tier && inside.contains(e))
            .count() as u32;
        assert_eq!(p.count(2020, tier), Some(expected), "{tier:?}");
        let code = innozone_app::cultivation::pool::indicator_of(tier).unwrap();
        let (i, _) = d.snapshot.catalogue.indicator(code).unwrap();
        let card = d.cards.iter().find(|c| c.indicator == i).unwrap();
        assert_eq!(card.value, Ok(f64::from(expected)), "{code}");
    }
    assert!(p.count(2020, Tier::InnovativeSme).unwrap() > 0);
    let innovative = p
        .targets
        .iter()
        .find(|t| t.tier == Tier::InnovativeSme)
        .expect("seed 001's 200 innovative enterprises");
    let row = innovative
        .rows
        .iter()
        .find(|r| r.year == 2020 && !r.baseline)
        .unwrap();
    assert_eq!(row.target, 200.0);
    let actual = p.count(2020, Tier::InnovativeSme).unwrap();
    assert_eq!(row.actual, Some(actual));
    assert_eq!(row.gap, Some(200.0 - f64::from(actual)));
    // Counts change from year to year for every tier with a one-year validity.
    for tier in [Tier::TechSme, Tier::Gazelle] {
        let counts: HashSet<u32> = (2018..=2025).filter_map(|y| p.count(y, tier)).collect();
        assert!(counts.len() > 2, "{tier:?}: {counts:?}");
    }
}
