//! The list of forms counts each period's filings in the database
//! (`completeness_counts`): the same totals as the period's own page, which tallies every
//! expected enterprise and its filing (`completeness`), for every form, period and unit of
//! the built-in example.

use innozone_app::reporting::{completeness, completeness_counts};
use innozone_domain::accounts::{Binding, Principal, Role};

fn admin() -> Principal {
    Principal {
        user_id: 1,
        username: "admin".into(),
        role: Role::Administrator,
        binding: Binding::Everything,
    }
}

#[tokio::test]
async fn the_counted_totals_are_the_tallied_ones() {
    let store = innozone_app::testing::example_store().await;
    let store = store.as_ref();
    let hierarchy = store.hierarchy().await.unwrap();
    let units: Vec<_> = ["LB", "LB-GX", "LB-GX-YT", "PZH"]
        .iter()
        .map(|code| hierarchy.unit_by_code(code).expect("an example unit").id)
        .collect();
    let mut compared = 0;
    for form in store.forms().await.unwrap() {
        for record in store.periods(&form.code).await.unwrap() {
            for &unit in &units {
                let view =
                    completeness(store, &admin(), &hierarchy, &form.code, record.period, unit)
                        .await
                        .unwrap();
                let counted = completeness_counts(store, &admin(), &hierarchy, &record, unit)
                    .await
                    .unwrap();
                assert_eq!(
                    counted, view.total,
                    "{} {} in unit {unit}",
                    form.code, record.period
                );
                compared += 1;
            }
        }
    }
    assert!(
        compared >= 4 * 16,
        "every period of the example: {compared}"
    );
}
