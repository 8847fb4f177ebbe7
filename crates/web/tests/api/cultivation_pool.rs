//! The cultivation pool over HTTP on the built-in example with the shipped catalogue and
//! targets: zone staff of 兰白 see the high-tech count of 2020 as worked out here from the
//! store (enterprises located in 兰白 on 2020-12-31 holding a valid high-tech
//! recognition), the 2020 target as the shipped targets file sets it, the same counts in
//! the xlsx; park staff see their park's pool and are refused another park's and the
//! zone's.

use std::collections::{HashMap, HashSet};

use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::monitoring::{Catalogue, TargetSet};
use innozone_domain::registry::{Tier, UnitKind};
use innozone_domain::reporting::Period;
use innozone_exchange::{FileFormat, read_table};
use innozone_store::{Actor, NewUser};
use innozone_web::AppState;
use reqwest::{Method, StatusCode};

use crate::support::{PASSWORD, TestApp};

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let r = app
        .request(Method::GET, path, Some(token))
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

/// The cells of the row of `year` in the table with id `table`.
fn row_cells(html: &str, table: &str, year: i32) -> Vec<String> {
    let body = html
        .split(&format!("id=\"{table}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("the table {table}"));
    let body = body.split("</table>").next().unwrap();
    let row = body
        .split(&format!("<tr data-year=\"{year}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("a row for {year} in {table}"));
    let row = row.split("</tr>").next().unwrap();
    row.split("<td")
        .skip(1)
        .map(|c| {
            let c = c.split_once('>').unwrap().1;
            c.split("</td>").next().unwrap().trim().to_string()
        })
        .collect()
}

/// The cells of the row of `tier`'s target of `year` in the table of targets (which has a
/// row per tier with targets and year).
fn target_cells(html: &str, tier: Tier, year: i32) -> Vec<String> {
    let body = html
        .split("id=\"pool-targets\"")
        .nth(1)
        .expect("the table of targets");
    let body = body.split("</table>").next().unwrap();
    body.split(&format!("<tr data-year=\"{year}\""))
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap();
            row.split("<td")
                .skip(1)
                .map(|c| {
                    let c = c.split_once('>').unwrap().1;
                    c.split("</td>").next().unwrap().trim().to_string()
                })
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().is_some_and(|c| c == tier.name_zh()))
        .unwrap_or_else(|| panic!("a target row of {tier:?} for {year}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zone_and_park_staff_open_the_pool() {
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
    let system = Actor::system(innozone_app::clock::now_unix());
    store
        .save_catalogue(innozone_example::monitoring::INDICATORS, &system)
        .await
        .unwrap();
    store
        .save_targets(innozone_example::monitoring::TARGETS, &system)
        .await
        .unwrap();

    let hierarchy = store.hierarchy().await.unwrap();
    let lanbai = hierarchy.unit_by_code("LB").expect("the 兰白 zone").id;
    let end = Period::Year(2020).last_day();
    let tree = hierarchy.as_of(end);
    let below: HashSet<_> = tree.subtree(lanbai).into_iter().collect();

    // The high-tech enterprises of 兰白 at the end of 2020, worked out from the store.
    let mut expected = 0usize;
    for (e, park, _) in store.located_on(end).await.unwrap() {
        if !below.contains(&park) {
            continue;
        }
        let holds = store
            .recognitions(e)
            .await
            .unwrap()
            .into_iter()
            .any(|r| r.tier == Tier::HighTech && r.is_valid_on(end));
        expected += usize::from(holds);
    }
    assert!(expected > 0, "兰白 has high-tech enterprises in 2020");

    // The 2020 target of 兰白's high-tech enterprises as the shipped file sets it.
    let forms = store.forms().await.unwrap();
    let catalogue = Catalogue::parse(innozone_example::monitoring::INDICATORS, &forms).unwrap();
    let targets = TargetSet::parse(innozone_example::monitoring::TARGETS, &catalogue, &|c| {
        hierarchy.unit_by_code(c).is_some()
    })
    .unwrap();
    let target_2020 = targets
        .find("LB", "high_tech_enterprises")
        .expect("a high-tech target for 兰白")
        .all_points()
        .find(|p| p.year == 2020)
        .expect("a 2020 point")
        .value;

    // Two parks of 兰白 today.
    let now = hierarchy.as_of(innozone_app::clock::today());
    let parks: Vec<_> = now
        .subtree(lanbai)
        .into_iter()
        .filter(|u| hierarchy.unit(*u).is_some_and(|x| x.kind == UnitKind::Park))
        .collect();
    assert!(parks.len() >= 2, "兰白 has several parks");
    let (park, other) = (parks[0], parks[1]);
    let code = |u| hierarchy.unit(u).unwrap().code.as_str().to_string();

    let hash = innozone_app::accounts::hash_password(
        &innozone_domain::accounts::Password::parse(PASSWORD).unwrap(),
    )
    .await
    .unwrap();
    let mut user_ids = HashMap::new();
    for (name, role, binding) in [
        ("zone", Role::ZoneStaff, Binding::Unit(lanbai)),
        ("park", Role::ParkStaff, Binding::Unit(park)),
    ] {
        let record = store
            .create_user(
                &NewUser {
                    username: Username::parse(name).unwrap(),
                    display_name: name.to_string(),
                    role,
                    binding,
                    password_hash: hash.clone(),
                    must_change_password: false,
                },
                &Actor::system(innozone_app::clock::now_unix()),
            )
            .await
            .unwrap();
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
    let app = TestApp {
        base,
        store: store.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        firms: HashMap::new(),
        user_ids,
    };
    let high_tech = 1 + Tier::ALL.iter().position(|t| *t == Tier::HighTech).unwrap();

    // Zone staff: the count, the target and its actual.
    let zone = app.login("zone").await;
    let (status, body) = get(&app, &zone, "/cultivation/pool?unit=LB&from=2014&to=2025").await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    let counts = row_cells(&html, "pool-counts", 2020);
    let shown = counts[high_tech].split(' ').next().unwrap();
    assert_eq!(shown, expected.to_string(), "the high-tech count of 2020");
    let target = target_cells(&html, Tier::HighTech, 2020);
    assert_eq!(target[2], format!("{target_2020:.0}"), "the 2020 target");
    assert_eq!(target[3], expected.to_string(), "the 2020 actual");
    assert_eq!(
        target[4],
        format!("{:.0}", target_2020 - expected as f64),
        "the gap"
    );
    assert!(html.contains("id=\"pool-chart\""), "the chart of counts");
    assert!(html.contains("id=\"pool-below\""), "the units below");

    // The xlsx has the same counts.
    let (status, xlsx) = get(
        &app,
        &zone,
        "/cultivation/pool.xlsx?unit=LB&from=2014&to=2025",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let table = read_table("pool.xlsx", &xlsx, FileFormat::Xlsx, None).unwrap();
    assert_eq!(table.rows.len(), 12, "one row a year");
    for row in &table.rows {
        let year: i32 = row.cells[0].as_text().parse().unwrap();
        let cells = row_cells(&html, "pool-counts", year);
        for (i, cell) in row.cells.iter().enumerate().skip(1) {
            assert_eq!(
                cell.as_text(),
                cells[i].split(' ').next().unwrap(),
                "{year}, column {i}"
            );
        }
    }

    // Park staff: their own park, never another's nor the zone's.
    let staff = app.login("park").await;
    let (status, body) = get(
        &app,
        &staff,
        &format!("/cultivation/pool?unit={}&from=2014&to=2025", code(park)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains(&hierarchy.unit(park).unwrap().name_zh));
    for unit in [code(other), "LB".to_string()] {
        for path in ["/cultivation/pool", "/cultivation/pool.xlsx"] {
            let (status, _) = get(
                &app,
                &staff,
                &format!("{path}?unit={unit}&from=2014&to=2025"),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} of {unit}");
        }
    }
}
