//! The whole built-in example behind the real application, as `innozone example` loads
//! it (registry, filings, the recognitions of every tier of the ladder derived from the
//! filings, monitoring, and the park evaluation of the 兰白 zone run for 2015–2020), with
//! an account per role: zone staff (`zone`) and leadership (`leader`) of the zone, park
//! staff (`park`) of 石化产业园区 (LB-XQ-SH), a filer (`filer`) of one of its enterprises,
//! and the public (`public`). Shared by the evaluation and cultivation tests: loading the
//! example takes a while, so it is loaded once per test process and each test gets a copy.

use std::collections::HashMap;

use innozone_domain::accounts::{Binding, Role};
use innozone_domain::reporting::Period;
use innozone_store::Store;

use crate::support::TestApp;

/// The park scheme of the example and its lagging park.
pub const SCHEME: &str = "lanbai_parks";
pub const LAGGING: &str = "LB-XQ-SH";

/// The whole built-in example behind the real application (with the recognitions of
/// every tier, so the cultivation pages have entries of each), with an account per role:
/// zone staff and leadership of the zone, park staff of LB-XQ-SH, a filer of one of its
/// enterprises, and the public.
pub async fn example_app() -> TestApp {
    let mut app = TestApp::with_example().await;
    let store = app.store.clone();
    let dataset = innozone_example::builtin();
    let hierarchy = store.hierarchy().await.unwrap();
    let unit = |code: &str| hierarchy.unit_by_code(code).expect("an example unit").id;
    let filer_enterprise = {
        let park = unit(LAGGING);
        let tree = hierarchy.as_of(innozone_app::clock::today());
        let codes: Vec<_> = dataset
            .enterprises
            .iter()
            .map(|e| e.draft.credit_code.clone())
            .collect();
        let stored = store.stored_enterprises(&codes).await.unwrap();
        dataset
            .enterprises
            .iter()
            .find(|e| {
                e.locations.last().is_some_and(|l| {
                    hierarchy
                        .unit_by_code(l.park.as_str())
                        .is_some_and(|p| tree.path(p.id).contains(&park))
                })
            })
            .map(|e| stored[&e.draft.credit_code].id)
            .expect("an enterprise in the lagging park")
    };
    app.add_accounts(&[
        ("zone", Role::ZoneStaff, Binding::Unit(unit("LB"))),
        ("leader", Role::Leadership, Binding::Unit(unit("LB"))),
        ("park", Role::ParkStaff, Binding::Unit(unit(LAGGING))),
        (
            "filer",
            Role::EnterpriseFiler,
            Binding::Enterprise(filer_enterprise),
        ),
        ("public", Role::Public, Binding::Everything),
    ])
    .await;
    app
}

/// The ids of the park scheme's runs by year (the latest of each year).
pub async fn runs_by_year(store: &dyn Store) -> HashMap<i32, i64> {
    let mut out = HashMap::new();
    for r in store.evaluation_runs(Some(SCHEME)).await.unwrap() {
        let Period::Year(year) = r.period else {
            continue;
        };
        let id = out.entry(year).or_insert(r.id);
        *id = (*id).max(r.id);
    }
    out
}
