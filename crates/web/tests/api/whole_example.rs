//! The whole built-in example behind the real application, as `innozone example` loads
//! it (registry, filings, the recognitions of every tier of the ladder derived from the
//! filings, monitoring, and the park evaluation of the 兰白 zone run for 2015–2020), with
//! an account per role: zone staff (`zone`) and leadership (`leader`) of the zone, park
//! staff (`park`) of 石化产业园区 (LB-XQ-SH), a filer (`filer`) of one of its enterprises,
//! and the public (`public`). Shared by the evaluation and cultivation tests: loading the
//! example takes a while, so each test file loads it as few times as it can.

use std::collections::HashMap;

use innozone_app::monitoring::Monitor;
use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::reporting::Period;
use innozone_store::{Actor, NewUser, Store};
use innozone_web::AppState;

use crate::support::{PASSWORD, TestApp};

/// The park scheme of the example and its lagging park.
pub const SCHEME: &str = "lanbai_parks";
pub const LAGGING: &str = "LB-XQ-SH";

/// The whole built-in example behind the real application (with the recognitions of
/// every tier, so the cultivation pages have entries of each), with an account per role:
/// zone staff and leadership of the zone, park staff of LB-XQ-SH, a filer of one of its
/// enterprises, and the public.
pub async fn example_app() -> TestApp {
    let store = innozone_store_sql::testing::fresh_store().await;
    let dataset = innozone_example::builtin();
    store
        .load_dataset(
            &dataset,
            &Actor::system(innozone_app::clock::now_unix()),
            &|_| {},
        )
        .await
        .expect("the registry loads");
    innozone_app::example::load_reporting_example(store.as_ref(), &dataset, &|_| {})
        .await
        .expect("the filings load");
    innozone_app::cultivation_example::load_example(store.as_ref())
        .await
        .expect("the recognitions load")
        .expect("a fresh store takes the example's recognitions");
    innozone_app::monitoring::load_example(store.as_ref(), &dataset)
        .await
        .expect("the monitoring loads");
    let loaded = innozone_app::evaluation::load_example(store.as_ref(), &Monitor::new())
        .await
        .expect("the evaluation loads")
        .expect("a fresh store takes the example's evaluation");
    assert_eq!(loaded.runs, 6, "2015 to 2020");

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
    let hash = innozone_app::accounts::hash_password(
        &innozone_domain::accounts::Password::parse(PASSWORD).unwrap(),
    )
    .await
    .unwrap();
    let accounts = [
        ("zone", Role::ZoneStaff, Binding::Unit(unit("LB"))),
        ("leader", Role::Leadership, Binding::Unit(unit("LB"))),
        ("park", Role::ParkStaff, Binding::Unit(unit(LAGGING))),
        (
            "filer",
            Role::EnterpriseFiler,
            Binding::Enterprise(filer_enterprise),
        ),
        ("public", Role::Public, Binding::Everything),
    ];
    let mut user_ids = HashMap::new();
    for (name, role, binding) in accounts {
        let record = store
            .create_user(
                &NewUser {
                    username: Username::parse(name).unwrap(),
                    display_name: format!("测试 {name}"),
                    role,
                    binding,
                    password_hash: hash.clone(),
                    must_change_password: false,
                },
                &Actor::system(innozone_app::clock::now_unix()),
            )
            .await
            .expect("the account is created");
        user_ids.insert(name, record.id);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone());
    tokio::spawn(async move {
        innozone_web::serve(listener, state, std::future::pending())
            .await
            .expect("the server runs");
    });
    TestApp {
        base,
        store,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        firms: HashMap::new(),
        user_ids,
    }
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
