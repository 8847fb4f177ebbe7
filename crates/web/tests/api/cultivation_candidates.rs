//! The candidate list of a tier over HTTP on the whole built-in example: park staff of the 兰白 park with the most
//! high-tech candidates for 2025 see only their park's enterprises without a valid
//! high-tech recognition at the end of 2025, the three-year R&D share of one of them as
//! worked out here from its counted filings, the same enterprises in the xlsx; a filer is
//! refused.

use std::collections::{HashMap, HashSet};

use innozone_domain::accounts::{Binding, Principal, Role};
use innozone_domain::registry::{Tier, UnitId};
use innozone_domain::reporting::Period;
use innozone_exchange::{FileFormat, read_table};
use reqwest::{Method, StatusCode};

use crate::support::TestApp;

const YEAR: i32 = 2025;

async fn page(app: &TestApp, token: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let r = app
        .request(Method::GET, path, Some(token))
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

/// The rows of the list's table: credit code and the row's HTML.
fn rows(html: &str) -> Vec<(String, String)> {
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
            (code, row.to_string())
        })
        .collect()
}

/// The number as `describe` writes it: two decimals at most, trailing zeros dropped.
fn two_decimals(v: f64) -> String {
    let text = format!("{:.2}", (v * 100.0).round() / 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn park_staff_open_the_high_tech_candidates_of_their_park() {
    let mut app = TestApp::with_example().await;
    let store = app.store.clone();
    let hierarchy = store.hierarchy().await.unwrap();
    let end = Period::Year(YEAR).last_day();
    let tree = hierarchy.as_of(end);
    let lanbai = hierarchy.unit_by_code("LB").expect("the 兰白 zone").id;

    // The zone-wide list (as an administrator) to choose the 兰白 park with most candidates.
    let admin = Principal {
        user_id: 0,
        username: "admin".to_string(),
        role: Role::Administrator,
        binding: Binding::Everything,
    };
    let all = innozone_app::cultivation::candidates(
        store.as_ref(),
        &hierarchy,
        &admin,
        Tier::HighTech,
        YEAR,
        0.2,
    )
    .await
    .unwrap();
    let mut by_park: HashMap<UnitId, usize> = HashMap::new();
    for e in &all.entries {
        if tree.path(e.park).contains(&lanbai) {
            *by_park.entry(e.park).or_default() += 1;
        }
    }
    let (&park, _) = by_park
        .iter()
        .max_by_key(|(p, n)| (**n, std::cmp::Reverse(p.0)))
        .expect("the 兰白 example has high-tech candidates for 2025");
    let in_park: HashSet<UnitId> = tree.subtree(park).into_iter().collect();
    let others: Vec<&str> = all
        .entries
        .iter()
        .filter(|e| !in_park.contains(&e.park))
        .map(|e| e.credit_code.as_str())
        .collect();
    assert!(!others.is_empty(), "other parks have candidates too");
    let filer_enterprise = all.entries[0].enterprise;

    app.add_accounts(&[
        ("park", Role::ParkStaff, Binding::Unit(park)),
        (
            "filer",
            Role::EnterpriseFiler,
            Binding::Enterprise(filer_enterprise),
        ),
    ])
    .await;

    let token = app.login("park").await;
    let query = format!("tier=high_tech&year={YEAR}&distance=0.2");
    let (status, body) = page(&app, &token, &format!("/cultivation/candidates?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    let listed = rows(&html);
    assert_eq!(
        listed.len(),
        by_park[&park],
        "the park's candidates, all of them"
    );

    // Every listed enterprise is located in the park at the end of 2025 and holds no
    // valid high-tech recognition then; no other park's enterprise appears.
    let located: HashMap<_, _> = store
        .located_on(end)
        .await
        .unwrap()
        .into_iter()
        .map(|(e, p, _)| (e, p))
        .collect();
    for (code, _) in &listed {
        let e = store
            .enterprise_by_code(&code.parse().unwrap(), innozone_app::clock::today())
            .await
            .unwrap()
            .expect("a listed enterprise exists");
        assert!(in_park.contains(&located[&e.id]), "{code} is in the park");
        let held = store
            .recognitions(e.id)
            .await
            .unwrap()
            .into_iter()
            .any(|r| r.tier == Tier::HighTech && r.is_valid_on(end));
        assert!(!held, "{code} holds no valid high-tech recognition");
        assert!(
            !others.contains(&code.as_str()),
            "{code} is of another park"
        );
    }
    for code in &others {
        assert!(!html.contains(code), "{code} of another park never appears");
    }
    assert!(
        html.contains("待审核"),
        "qualitative criteria are left to review"
    );

    // One listed enterprise's three-year R&D share, from its counted filings.
    let (code, row) = &listed[0];
    let enterprise = store
        .enterprise_by_code(&code.parse().unwrap(), innozone_app::clock::today())
        .await
        .unwrap()
        .unwrap();
    let (mut rd, mut revenue) = (0.0, 0.0);
    for year in YEAR - 2..=YEAR {
        let counted = store
            .counted_filings("torch_annual", Period::Year(year), false)
            .await
            .unwrap();
        let filing = counted
            .iter()
            .find(|c| c.enterprise == enterprise.id)
            .expect("a counted filing each year");
        let form = store
            .form("torch_annual", filing.form_version)
            .await
            .unwrap()
            .unwrap();
        let value = |field: &str| {
            form.fields
                .iter()
                .position(|f| f.code == field)
                .and_then(|i| filing.values.0[i])
        };
        rd += value("rd_expenditure_internal").expect("internal R&D")
            + 0.8 * value("rd_expenditure_external").unwrap_or(0.0);
        revenue += value("revenue").expect("revenue");
    }
    let share = format!("{} %", two_decimals(100.0 * rd / revenue));
    assert!(
        row.contains(&share),
        "the page shows the R&D share {share} of {code}: {row}"
    );

    // The xlsx has the same enterprises.
    let (status, xlsx) = page(
        &app,
        &token,
        &format!("/cultivation/candidates.xlsx?{query}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let table = read_table("candidates.xlsx", &xlsx, FileFormat::Xlsx, None).unwrap();
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

    // The warning list answers too; a filer is refused both.
    let (status, _) = page(
        &app,
        &token,
        &format!("/cultivation/warnings?tier=high_tech&year={YEAR}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let filer = app.login("filer").await;
    for path in [
        format!("/cultivation/candidates?{query}"),
        format!("/cultivation/candidates.xlsx?{query}"),
        format!("/cultivation/warnings?tier=high_tech&year={YEAR}"),
    ] {
        let (status, _) = page(&app, &filer, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}
