//! The cultivation lists and the pool over HTTP on the whole built-in example with the
//! recognitions of every tier (`example_app`): the high-tech warning list of 兰白 holds
//! only enterprises with a valid high-tech recognition at the end of 2023, says which
//! criterion they miss with its measure and threshold, and downloads as the same rows; the
//! candidate lists of the other tiers are not empty and hold no enterprise that has the
//! tier; the tier selector offers every tier of the ladder in force. Leadership opens the
//! lists and the pool of the zone; park staff of LB-XQ-SH are refused the zone's pool,
//! pick only their park in the pool's unit picker and see only their park's candidates;
//! the filer and the public are refused all three.

use std::collections::{HashMap, HashSet};

use innozone_domain::registry::{EnterpriseId, Tier, UnitId};
use innozone_domain::reporting::Period;
use innozone_exchange::{FileFormat, read_table};
use innozone_store::Store;
use reqwest::{Method, StatusCode};

use crate::support::{TestApp, page};
use crate::whole_example::{LAGGING, example_app};

const YEAR: i32 = 2023;

/// The rows of a list's table: credit code and the texts of the row's cells.
fn rows(html: &str) -> Vec<(String, Vec<String>)> {
    let Some(table) = html.split("id=\"candidates\"").nth(1) else {
        return Vec::new();
    };
    let body = table.split("<tbody>").nth(1).unwrap_or("");
    let body = body.split("</tbody>").next().unwrap_or("");
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let code = row
                .split("<code>")
                .nth(1)
                .and_then(|s| s.split("</code>").next())
                .unwrap_or("")
                .to_string();
            let cells = row
                .split("<td>")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap_or("").trim().to_string())
                .collect();
            (code, cells)
        })
        .collect()
}

/// The option values of the `<select name="{name}">` of a page, and the selected one.
fn options(html: &str, name: &str) -> (Vec<String>, Option<String>) {
    let select = html
        .split(&format!("<select name=\"{name}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("a select {name}"));
    let select = select.split("</select>").next().unwrap();
    let mut values = Vec::new();
    let mut selected = None;
    for option in select.split("<option value=\"").skip(1) {
        let (value, rest) = option.split_once('"').unwrap();
        let attributes = rest.split('>').next().unwrap_or("");
        if attributes.contains("selected") {
            selected = Some(value.to_string());
        }
        values.push(value.to_string());
    }
    (values, selected)
}

async fn status_of(app: &TestApp, token: &str, path: &str) -> StatusCode {
    app.request(Method::GET, path, Some(token))
        .send()
        .await
        .unwrap()
        .status()
}

async fn bytes_of(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let r = app
        .request(Method::GET, path, Some(token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.bytes().await.unwrap().to_vec()
}

/// The store's enterprise of a credit code shown on a page.
async fn enterprise(store: &dyn Store, code: &str) -> EnterpriseId {
    store
        .enterprise_by_code(&code.parse().unwrap(), innozone_app::clock::today())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{code} is a stored enterprise"))
        .id
}

/// The tiers each enterprise holds a valid recognition of at the end of `year`.
async fn held_at_end(store: &dyn Store, year: i32) -> HashSet<(EnterpriseId, Tier)> {
    store
        .recognitions_on(Period::Year(year).last_day())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// The park each enterprise is located in at the end of `year`.
async fn located_at_end(store: &dyn Store, year: i32) -> HashMap<EnterpriseId, UnitId> {
    store
        .located_on(Period::Year(year).last_day())
        .await
        .unwrap()
        .into_iter()
        .map(|(e, park, _)| (e, park))
        .collect()
}

/// A number as the criteria texts write it ("1,200", "3.6").
fn figure(text: &str) -> Option<f64> {
    text.trim().replace(',', "").parse().ok()
}

/// The measure and the threshold of a criterion text written in percent:
/// "<name> 3.6 %，需 4 %…" gives (3.6, 4).
fn percentages(text: &str) -> Option<(f64, f64)> {
    let (before, after) = text.split_once("，需 ")?;
    let measure = before.strip_suffix(" %")?.rsplit(' ').next()?;
    let threshold = after.split(" %").next()?;
    Some((figure(measure)?, figure(threshold)?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_zone_lists_warnings_and_candidates_of_every_tier_as_the_store_holds_them() {
    let app = example_app().await;
    let store = app.store.as_ref();
    let hierarchy = store.hierarchy().await.unwrap();
    let lanbai = hierarchy.unit_by_code("LB").expect("the 兰白 zone").id;
    let tree = hierarchy.as_of(Period::Year(YEAR).last_day());
    let in_lanbai: HashSet<UnitId> = tree.subtree(lanbai).into_iter().collect();
    let held = held_at_end(store, YEAR).await;
    let located = located_at_end(store, YEAR).await;
    let zone = app.login("zone").await;

    // The warnings of high-tech: every enterprise holds the tier at the end of 2023 and
    // is located in 兰白 then.
    let query = format!("tier=high_tech&year={YEAR}");
    let (status, html) = page(&app, &format!("/cultivation/warnings?{query}"), &zone).await;
    assert_eq!(status, StatusCode::OK);
    let listed = rows(&html);
    assert!(!listed.is_empty(), "兰白 has high-tech warnings for {YEAR}");
    for (code, _) in &listed {
        let e = enterprise(store, code).await;
        assert!(
            held.contains(&(e, Tier::HighTech)),
            "{code} holds a valid high-tech recognition at the end of {YEAR}"
        );
        assert!(
            located.get(&e).is_some_and(|p| in_lanbai.contains(p)),
            "{code} is located in 兰白"
        );
    }
    // A missed criterion in words: its measure below the threshold it needs, both shown.
    let missed: Vec<(f64, f64)> = listed
        .iter()
        .flat_map(|(_, cells)| cells.iter().filter_map(|c| percentages(c)))
        .filter(|(measure, threshold)| measure < threshold)
        .collect();
    assert!(
        !missed.is_empty(),
        "a warning names the missed measure and its threshold in percent: {listed:?}"
    );

    // The download has the same enterprises in the same order.
    let xlsx = bytes_of(&app, &zone, &format!("/cultivation/warnings.xlsx?{query}")).await;
    let table = read_table("warnings.xlsx", &xlsx, FileFormat::Xlsx, None).unwrap();
    assert_eq!(table.rows.len(), listed.len(), "one row per warning");
    let column = table
        .headers
        .iter()
        .position(|h| h == "统一社会信用代码")
        .expect("a credit code column");
    let from_sheet: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.cells[column].as_text())
        .collect();
    let from_page: Vec<String> = listed.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(from_sheet, from_page);

    // The tier selector offers every tier of the ladder in force, the tier shown selected.
    let ladder = innozone_app::cultivation::ladder::current_ladder(store)
        .await
        .unwrap();
    let in_force: Vec<String> = ladder
        .set
        .tiers
        .iter()
        .map(|t| t.tier.code().to_string())
        .collect();
    assert!(in_force.len() > 1, "the ladder has several tiers");
    let (offered, selected) = options(&html, "tier");
    assert_eq!(offered, in_force);
    assert_eq!(selected.as_deref(), Some("high_tech"));

    // The candidates of the other tiers: some in 兰白, none holding the tier.
    for tier in [Tier::TechSme, Tier::Gazelle, Tier::Leading] {
        let path = format!(
            "/cultivation/candidates?tier={}&year={YEAR}&distance=0.2",
            tier.code()
        );
        let (status, html) = page(&app, &path, &zone).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let listed = rows(&html);
        assert!(!listed.is_empty(), "{path} lists candidates");
        for (code, _) in &listed {
            let e = enterprise(store, code).await;
            assert!(
                !held.contains(&(e, tier)),
                "{code} does not hold {tier:?} at the end of {YEAR}"
            );
            assert!(
                located.get(&e).is_some_and(|p| in_lanbai.contains(p)),
                "{code} is located in 兰白"
            );
        }
        assert_eq!(options(&html, "tier").1.as_deref(), Some(tier.code()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_opens_the_lists_and_the_pool_of_its_own_units_only() {
    let app = example_app().await;
    let store = app.store.as_ref();
    let hierarchy = store.hierarchy().await.unwrap();
    let today = hierarchy.as_of(innozone_app::clock::today());
    let code_of = |u: UnitId| hierarchy.unit(u).unwrap().code.to_string();
    let lanbai = hierarchy.unit_by_code("LB").unwrap().id;
    let park = hierarchy.unit_by_code(LAGGING).unwrap().id;
    let candidates = format!("/cultivation/candidates?tier=high_tech&year={YEAR}&distance=0.2");
    let warnings = format!("/cultivation/warnings?tier=high_tech&year={YEAR}");
    let pool = "/cultivation/pool?unit=LB&from=2014&to=2025";

    // Leadership of the zone: the lists and the zone's pool.
    let leader = app.login("leader").await;
    for path in [candidates.as_str(), warnings.as_str(), pool] {
        assert_eq!(
            status_of(&app, &leader, path).await,
            StatusCode::OK,
            "{path}"
        );
    }

    // Zone staff pick the zone and every district and park under it today, the zone
    // selected.
    let zone = app.login("zone").await;
    let (status, html) = page(&app, pool, &zone).await;
    assert_eq!(status, StatusCode::OK);
    let (units, selected) = options(&html, "unit");
    let expected: Vec<String> = today.subtree(lanbai).into_iter().map(code_of).collect();
    assert_eq!(units, expected, "the zone's units in tree order");
    assert_eq!(selected.as_deref(), Some("LB"));

    // Park staff: refused the zone's pool; their own park's pool picks only their park
    // and what is below it.
    let staff = app.login("park").await;
    for path in [pool, "/cultivation/pool.xlsx?unit=LB&from=2014&to=2025"] {
        assert_eq!(
            status_of(&app, &staff, path).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let (status, html) = page(
        &app,
        &format!("/cultivation/pool?unit={LAGGING}&from=2014&to=2025"),
        &staff,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (units, selected) = options(&html, "unit");
    let expected: Vec<String> = today.subtree(park).into_iter().map(code_of).collect();
    assert_eq!(units, expected, "only the park and below");
    assert!(!units.contains(&"LB".to_string()));
    assert_eq!(selected.as_deref(), Some(LAGGING));
    // Without a unit named, their own.
    let (status, html) = page(&app, "/cultivation/pool", &staff).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(options(&html, "unit").1.as_deref(), Some(LAGGING));

    // Their candidates: exactly the zone's candidates located in their park.
    let located = located_at_end(store, YEAR).await;
    let end_tree = hierarchy.as_of(Period::Year(YEAR).last_day());
    let in_park: HashSet<UnitId> = end_tree.subtree(park).into_iter().collect();
    let mut seen_any = false;
    for tier in ["high_tech", "tech_sme", "gazelle"] {
        let path = format!("/cultivation/candidates?tier={tier}&year={YEAR}&distance=0.2");
        let (status, html) = page(&app, &path, &staff).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let theirs: Vec<String> = rows(&html).into_iter().map(|(c, _)| c).collect();
        let (status, html) = page(&app, &path, &zone).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let mut of_park = Vec::new();
        for (code, _) in rows(&html) {
            let e = enterprise(store, &code).await;
            if located.get(&e).is_some_and(|p| in_park.contains(p)) {
                of_park.push(code);
            }
        }
        for code in &theirs {
            let e = enterprise(store, code).await;
            assert!(
                located.get(&e).is_some_and(|p| in_park.contains(p)),
                "{code} on {path} is located in {LAGGING}"
            );
        }
        assert_eq!(theirs, of_park, "{path}: the zone's candidates in the park");
        seen_any |= !theirs.is_empty();
    }
    assert!(seen_any, "{LAGGING} has candidates of some tier");

    // The filer and the public: none of the three.
    for name in ["filer", "public"] {
        let token = app.login(name).await;
        for path in [candidates.as_str(), warnings.as_str(), pool] {
            assert_eq!(
                status_of(&app, &token, path).await,
                StatusCode::FORBIDDEN,
                "{name}: {path}"
            );
        }
    }
}
