//! Every user reads and writes only inside their node: the matrix of roles and operations.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{PARK_A, PARK_B, TestApp};

/// What one role may do. `list` is the number of enterprises the list shows, `None` when
/// the list is refused.
struct Expected {
    account: &'static str,
    read_unit_a: bool,
    read_unit_b: bool,
    read_firm_a: bool,
    read_firm_b: bool,
    list: Option<i64>,
    update_firm_a: bool,
    update_firm_b: bool,
    create_user: bool,
    read_audit: bool,
}

const fn row(
    account: &'static str,
    [read_unit_a, read_unit_b, read_firm_a, read_firm_b]: [bool; 4],
    list: Option<i64>,
    [update_firm_a, update_firm_b, create_user, read_audit]: [bool; 4],
) -> Expected {
    Expected {
        account,
        read_unit_a,
        read_unit_b,
        read_firm_a,
        read_firm_b,
        list,
        update_firm_a,
        update_firm_b,
        create_user,
        read_audit,
    }
}

const Y: bool = true;
const N: bool = false;

/// The seed: zone TZ with parks A (enterprises A1, A2) and B (B1). The filer is A1's,
/// the park staff and the evaluator are bound to park A, zone staff and leadership to
/// the zone. "firm A" is A1.
#[rustfmt::skip]
const MATRIX: [Expected; 7] = [
    //              unit A unit B firm A firm B   list       upd A upd B user audit
    row("admin",     [Y,     Y,     Y,     Y],    Some(3),   [Y,    Y,    Y,   Y]),
    row("zone",      [Y,     Y,     Y,     Y],    Some(3),   [Y,    Y,    Y,   N]),
    row("park",      [Y,     N,     Y,     N],    Some(2),   [Y,    N,    N,   N]),
    row("filer",     [N,     N,     Y,     N],    Some(1),   [Y,    N,    N,   N]),
    row("leader",    [Y,     Y,     Y,     Y],    Some(3),   [N,    N,    N,   N]),
    row("evaluator", [Y,     N,     Y,     N],    Some(2),   [N,    N,    N,   N]),
    row("public",    [Y,     Y,     N,     N],    None,      [N,    N,    N,   N]),
];

fn check(
    account: &str,
    what: &str,
    allowed: bool,
    success: StatusCode,
    status: StatusCode,
    body: &serde_json::Value,
    failures: &mut Vec<String>,
) {
    let expected = if allowed {
        success
    } else {
        StatusCode::FORBIDDEN
    };
    if status != expected {
        failures.push(format!(
            "{account} {what}: expected {expected}, got {status} {body}"
        ));
    } else if !allowed && body["error"] != "forbidden" {
        failures.push(format!(
            "{account} {what}: refused without the forbidden code: {body}"
        ));
    }
}

#[tokio::test]
async fn each_role_reaches_exactly_its_part_of_the_registry() {
    let app = TestApp::spawn().await;
    let a1 = app.firms["A1"].id;
    let b1 = app.firms["B1"].id;
    let mut failures = Vec::new();
    for e in &MATRIX {
        let token = app.login(e.account).await;
        let acc = e.account;

        let (s, b) = app.get(&format!("/api/v1/units/{PARK_A}"), &token).await;
        check(
            acc,
            "read unit A",
            e.read_unit_a,
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );
        let (s, b) = app.get(&format!("/api/v1/units/{PARK_B}"), &token).await;
        check(
            acc,
            "read unit B",
            e.read_unit_b,
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );
        let (s, b) = app.get(&format!("/api/v1/enterprises/{a1}"), &token).await;
        check(
            acc,
            "read firm A",
            e.read_firm_a,
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );
        let (s, b) = app.get(&format!("/api/v1/enterprises/{b1}"), &token).await;
        check(
            acc,
            "read firm B",
            e.read_firm_b,
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );

        let (s, b) = app.get("/api/v1/enterprises", &token).await;
        check(
            acc,
            "list firms",
            e.list.is_some(),
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );
        if let (Some(n), StatusCode::OK) = (e.list, s) {
            let items = b["items"].as_array().unwrap().len() as i64;
            if b["total"] != n || items != n {
                failures.push(format!(
                    "{acc} list firms: expected {n}, got total {} with {items} items",
                    b["total"]
                ));
            }
        }

        let (s, b) = app
            .send_json(
                Method::PUT,
                &format!("/api/v1/enterprises/{a1}"),
                &token,
                &app.firm_record("A1", &format!("{acc} 联系人")),
            )
            .await;
        check(
            acc,
            "update firm A",
            e.update_firm_a,
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );
        let (s, b) = app
            .send_json(
                Method::PUT,
                &format!("/api/v1/enterprises/{b1}"),
                &token,
                &app.firm_record("B1", &format!("{acc} 联系人")),
            )
            .await;
        check(
            acc,
            "update firm B",
            e.update_firm_b,
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );

        let new_user = json!({"username": format!("made.by.{acc}"), "display_name": "新员工", "role": "park_staff", "unit_code": PARK_A});
        let (s, b) = app
            .send_json(Method::POST, "/api/v1/users", &token, &new_user)
            .await;
        check(
            acc,
            "create user",
            e.create_user,
            StatusCode::CREATED,
            s,
            &b,
            &mut failures,
        );

        let (s, b) = app.get("/api/v1/audit", &token).await;
        check(
            acc,
            "read audit",
            e.read_audit,
            StatusCode::OK,
            s,
            &b,
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "scope matrix:\n{}",
        failures.join("\n")
    );

    // The writes the matrix allowed are in the record, each under its author.
    let admin = app.login("admin").await;
    let code = &app.firms["A1"].credit_code;
    let (_, log) = app
        .get(
            &format!("/api/v1/audit?entity=enterprise&entity_key={code}&limit=500"),
            &admin,
        )
        .await;
    let mut authors: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["actor_name"].as_str())
        .collect();
    authors.sort();
    assert_eq!(authors, vec!["admin", "filer", "park", "zone"], "{log}");
}

#[tokio::test]
async fn a_filer_sees_only_its_own_enterprise() {
    let app = TestApp::spawn().await;
    let filer = app.login("filer").await;
    let (s, b) = app
        .get(
            &format!("/api/v1/enterprises/{}", app.firms["A1"].id),
            &filer,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        b["enterprise"]["credit_code"],
        app.firms["A1"].credit_code.as_str()
    );
    assert_eq!(b["may_edit"], true);
    // Another enterprise of the same park is out of reach.
    let (s, b) = app
        .get(
            &format!("/api/v1/enterprises/{}", app.firms["A2"].id),
            &filer,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert_eq!(b["error"], "forbidden");
    let (s, b) = app.get("/api/v1/enterprises?q=甲", &filer).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["total"], 1, "{b}");
    assert_eq!(b["items"][0]["id"], app.firms["A1"].id);
    // No hierarchy for a filer, and no way to its park's list through a filter.
    let (s, _) = app.get("/api/v1/units", &filer).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get(&format!("/api/v1/enterprises?unit={PARK_A}"), &filer)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A missing enterprise is a 404, not a 403.
    let (s, b) = app.get("/api/v1/enterprises/999999", &filer).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
}

#[tokio::test]
async fn park_staff_stay_out_of_the_other_park() {
    let app = TestApp::spawn().await;
    let park = app.login("park").await;
    let (s, b) = app.get(&format!("/api/v1/units/{PARK_B}"), &park).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, _) = app
        .get(
            &format!("/api/v1/enterprises/{}", app.firms["B1"].id),
            &park,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get(&format!("/api/v1/enterprises?unit={PARK_B}"), &park)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a filter cannot widen the scope");
    let (s, b) = app.get("/api/v1/enterprises", &park).await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["park_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec![PARK_A, PARK_A], "{b}");
    // The unit list holds the park alone, and the zone above it is not readable.
    let (s, b) = app.get("/api/v1/units", &park).await;
    assert_eq!(s, StatusCode::OK);
    let units: Vec<&str> = b
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(units, vec![PARK_A], "{b}");
    let (s, _) = app
        .get(&format!("/api/v1/units/{}", crate::support::ZONE), &park)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // An export holds only the park's enterprises.
    let r = app
        .request(Method::GET, "/api/v1/exports/enterprises.csv", Some(&park))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    assert!(
        csv.contains(&app.firms["A1"].credit_code) && csv.contains(&app.firms["A2"].credit_code),
        "{csv}"
    );
    assert!(!csv.contains(&app.firms["B1"].credit_code), "{csv}");
    // Moving an enterprise of the park into the other park is outside the scope too.
    let mut record = app.firm_record("A2", "张伟");
    record["park_code"] = json!(PARK_B);
    record["located_since"] = json!("2024-01-01");
    let (s, b) = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/enterprises/{}", app.firms["A2"].id),
            &park,
            &record,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["issues"][0]["field"], "park_code");
}

#[tokio::test]
async fn unit_lists_follow_the_date() {
    let app = TestApp::spawn().await;
    let zone = app.login("zone").await;
    let (s, b) = app.get("/api/v1/units", &zone).await;
    assert_eq!(s, StatusCode::OK);
    let pairs: Vec<(String, Option<String>)> = b
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_string(),
                u["parent_code"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("TZ".to_string(), None),
            (PARK_A.to_string(), Some("TZ".to_string())),
            (PARK_B.to_string(), Some("TZ".to_string()))
        ]
    );
    // Before the parks joined (2015) the zone stood alone; the parks belonged to nothing.
    let admin = app.login("admin").await;
    let (s, b) = app.get("/api/v1/units?date=2010-06-01", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        b.as_array()
            .unwrap()
            .iter()
            .all(|u| u["parent_code"].is_null()),
        "{b}"
    );
    let (s, b) = app.get("/api/v1/units?date=yesterday", &admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

    let (s, b) = app.get("/api/v1/units/TZ", &zone).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["figures"]["enterprises"], 3);
    let children: Vec<(&str, i64)> = b["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["unit"]["code"].as_str().unwrap(),
                c["figures"]["enterprises"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(children, vec![(PARK_A, 2), (PARK_B, 1)]);
    assert_eq!(b["may_edit"], true);
    let (s, b) = app.get(&format!("/api/v1/units/{PARK_A}"), &zone).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["ancestors"][0]["code"], "TZ");
    assert_eq!(b["memberships"][0]["parent_code"], "TZ");
    assert_eq!(b["memberships"][0]["from"], "2015-01-01");
    let (s, _) = app.get("/api/v1/units/NO-SUCH", &zone).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The public sees the structure but no enterprise figures.
    let public = app.login("public").await;
    let (s, b) = app.get("/api/v1/units/TZ", &public).await;
    assert_eq!(s, StatusCode::OK);
    assert!(b["figures"].is_null(), "{b}");
}

#[tokio::test]
async fn zone_staff_manage_only_the_accounts_of_their_zone() {
    let app = TestApp::spawn().await;
    let zone = app.login("zone").await;
    let (s, b) = app.get("/api/v1/users", &zone).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let mut names: Vec<&str> = b
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["evaluator", "filer", "leader", "park", "zone"],
        "neither the administrator nor the public"
    );
    let filer = b
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "filer")
        .unwrap();
    assert_eq!(filer["credit_code"], app.firms["A1"].credit_code.as_str());

    // No administrators, no accounts outside the zone's reach.
    let admin = json!({"username": "new.admin", "display_name": "管理员", "role": "administrator"});
    let (s, b) = app
        .send_json(Method::POST, "/api/v1/users", &zone, &admin)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let update = json!({"display_name": "改名", "role": "administrator", "active": true});
    let (s, b) = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/users/{}", app.user_ids["admin"]),
            &zone,
            &update,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, _) = app
        .send_json(Method::PATCH, "/api/v1/users/999999", &zone, &update)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A filer is bound by credit code; a bad or unknown one is named.
    let filer = json!({"username": "b1.filer", "display_name": "填报员", "role": "enterprise_filer", "credit_code": app.firms["B1"].credit_code, "password": "Filer-pass-2024"});
    let (s, b) = app
        .send_json(Method::POST, "/api/v1/users", &zone, &filer)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["user"]["enterprise_id"], app.firms["B1"].id);
    assert!(b["password"].is_null(), "a given password is not echoed");
    let mut bad = filer.clone();
    bad["username"] = json!("b1.filer2");
    bad["credit_code"] = json!(crate::support::wrong_check_character(
        &app.firms["B1"].credit_code
    ));
    let (s, b) = app
        .send_json(Method::POST, "/api/v1/users", &zone, &bad)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = app
        .send_json(Method::POST, "/api/v1/users", &zone, &filer)
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "the name is taken: {b}");
    let new = app.login_response("b1.filer", "Filer-pass-2024").await;
    assert_eq!(new.status(), StatusCode::CREATED);

    // Moving the park staff to park B ends their sessions.
    let park = app.login("park").await;
    let update = json!({"display_name": "乙园员工", "role": "park_staff", "unit_code": PARK_B, "active": true});
    let (s, b) = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/users/{}", app.user_ids["park"]),
            &zone,
            &update,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["unit_code"], PARK_B);
    let (s, _) = app.get("/api/v1/me", &park).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let park = app.login("park").await;
    let (s, _) = app
        .get(
            &format!("/api/v1/enterprises/{}", app.firms["B1"].id),
            &park,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "now in park B");
}
