//! Several stateless servers over one database: each keeps the unit hierarchy in memory
//! between requests, and each sees at its next request a change made through another,
//! because every request reads the hierarchy's version from the database.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn a_unit_written_through_one_server_is_seen_through_the_other() {
    let (first, second) = innozone_store_sql::testing::fresh_store_twice().await;
    let one = TestApp::spawn_over(first).await;
    // The accounts are in the database both servers share.
    let other = TestApp::serve(second).await;
    let (zone_one, zone_other) = (one.login("zone").await, other.login("zone").await);

    // Both servers have read the hierarchy, without the new park.
    for (app, token) in [(&one, &zone_one), (&other, &zone_other)] {
        let (status, _) = app.get("/api/v1/units/TZ-C", token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.get("/api/v1/units/TZ", token).await;
        assert_eq!(status, StatusCode::OK);
    }

    let park = json!([
        {"code": "TZ-C", "name_zh": "丙园区", "kind": "park", "parent_code": "TZ", "member_since": "2024-01-01"},
    ]);
    let (status, body) = one
        .send_json(Method::POST, "/api/v1/units", &zone_one, &park)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, unit) = other.get("/api/v1/units/TZ-C", &zone_other).await;
    assert_eq!(status, StatusCode::OK, "the other server sees the new park");
    assert_eq!(unit["unit"]["parent_code"], "TZ");
    assert_eq!(unit["unit"]["name_zh"], "丙园区");

    // And the other way round: renamed through the second, read through the first.
    let renamed = json!([
        {"code": "TZ-C", "name_zh": "丙园区（新）", "kind": "park", "parent_code": "TZ"},
    ]);
    let (status, body) = other
        .send_json(Method::POST, "/api/v1/units", &zone_other, &renamed)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, unit) = one.get("/api/v1/units/TZ-C", &zone_one).await;
    assert_eq!(unit["unit"]["name_zh"], "丙园区（新）");
}
