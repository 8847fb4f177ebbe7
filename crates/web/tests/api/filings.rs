//! Direct reporting over the API: forms and periods, filing, review, closing and
//! reopening, revisions, completeness and uploads, with the scope of every role.
//!
//! The seed (support.rs): zone TZ with parks TZ-A (enterprises A1, A2) and TZ-B (B1),
//! all in the survey; "filer" files for A1, "park" is staff of TZ-A, "zone" of TZ. This
//! file adds "filer_b" (B1) and "park_b" (staff of TZ-B), installs the Torch annual form
//! through the API and opens 2025 with a deadline still to come.

use std::collections::HashMap;

use innozone_domain::accounts::{Binding, Password, Role, Username};
use innozone_domain::registry::EnterpriseId;
use innozone_store::{Actor, NewUser};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PARK_A, PARK_B, PASSWORD, TestApp, ZONE, credit_code, is_chinese, send};

const ANNUAL: &str = include_str!("../../../example/forms/torch_annual.toml");
const QUARTERLY: &str = include_str!("../../../example/forms/torch_quarterly.toml");
const FORM: &str = "torch_annual";

struct Reporting {
    app: TestApp,
    tokens: HashMap<&'static str, String>,
}

/// A complete annual filing that breaks no rule: the eleven required fields, and the
/// full-time equivalent that rule A06 asks for once there are R&D staff.
fn good_values() -> Value {
    json!({
        "employees": 120,
        "rd_staff": 30,
        "rd_fte": 25.5,
        "revenue": 50000,
        "net_profit": 3000,
        "taxes_paid": 1500,
        "total_assets": 80000.25,
        "total_liabilities": 30000,
        "rd_expenditure_internal": 4000,
        "patents_held": 12,
        "invention_patents_held": 5,
        "energy_consumption": 350.5,
    })
}

/// `good_values` with some values replaced.
fn values_with(changes: Value) -> Value {
    let mut values = good_values();
    for (k, v) in changes.as_object().unwrap() {
        values[k] = v.clone();
    }
    values
}

impl Reporting {
    async fn setup() -> Reporting {
        let app = TestApp::spawn().await;
        let hierarchy = app.store.hierarchy().await.unwrap();
        let park_b = hierarchy.unit_by_code(PARK_B).unwrap().id;
        let name = Username::parse("filer_b").unwrap();
        let hash =
            innozone_app::accounts::hash_password(&Password::parse(PASSWORD, &name).unwrap())
                .await
                .unwrap();
        for (name, role, binding) in [
            (
                "filer_b",
                Role::EnterpriseFiler,
                Binding::Enterprise(EnterpriseId(app.firms["B1"].id)),
            ),
            ("park_b", Role::ParkStaff, Binding::Unit(park_b)),
        ] {
            app.store
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
        }
        let mut tokens = HashMap::new();
        for who in ["admin", "zone", "park", "park_b", "filer", "filer_b"] {
            tokens.insert(who, app.login(who).await);
        }
        let r = Reporting { app, tokens };
        let (s, body) = r.install("zone", ANNUAL).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let (s, body) = r.open("zone", "2025", Some("2030-03-31")).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        r
    }

    fn token(&self, who: &str) -> &str {
        &self.tokens[who]
    }

    async fn install(&self, who: &str, source: &str) -> (StatusCode, Value) {
        send(
            self.app
                .request(Method::POST, "/api/v1/forms", Some(self.token(who)))
                .header("content-type", "text/plain; charset=utf-8")
                .body(source.to_string()),
        )
        .await
    }

    async fn open(&self, who: &str, period: &str, deadline: Option<&str>) -> (StatusCode, Value) {
        self.app
            .send_json(
                Method::POST,
                &format!("/api/v1/forms/{FORM}/periods"),
                self.token(who),
                &json!({"period": period, "deadline": deadline}),
            )
            .await
    }

    fn filing_path(&self, firm: &str, period: &str) -> String {
        format!(
            "/api/v1/filings/{FORM}/{period}/{}",
            self.app.firms[firm].credit_code
        )
    }

    async fn get(&self, who: &str, path: &str) -> (StatusCode, Value) {
        self.app.get(path, self.token(who)).await
    }

    async fn filing(&self, who: &str, firm: &str) -> (StatusCode, Value) {
        self.get(who, &self.filing_path(firm, "2025")).await
    }

    async fn put_in(
        &self,
        who: &str,
        firm: &str,
        period: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.app
            .send_json(
                Method::PUT,
                &self.filing_path(firm, period),
                self.token(who),
                &body,
            )
            .await
    }

    async fn put(&self, who: &str, firm: &str, body: Value) -> (StatusCode, Value) {
        self.put_in(who, firm, "2025", body).await
    }

    /// Submits `values` for `firm` in 2025 and returns the filing's id.
    async fn submit(&self, who: &str, firm: &str, values: Value) -> i64 {
        let (s, body) = self
            .put(who, firm, json!({"values": values, "submit": true}))
            .await;
        assert_eq!(s, StatusCode::OK, "{who} submits for {firm}: {body}");
        assert_eq!(body["status"], "submitted", "{body}");
        body["id"].as_i64().unwrap()
    }

    async fn act(
        &self,
        who: &str,
        id: i64,
        action: &str,
        reason: Option<&str>,
    ) -> (StatusCode, Value) {
        self.app
            .send_json(
                Method::POST,
                &format!("/api/v1/filings/{id}/actions"),
                self.token(who),
                &json!({"action": action, "reason": reason}),
            )
            .await
    }

    async fn close(&self, who: &str, unit: &str) -> (StatusCode, Value) {
        self.app
            .send_json(
                Method::POST,
                &format!("/api/v1/forms/{FORM}/periods/2025/close"),
                self.token(who),
                &json!({"unit": unit}),
            )
            .await
    }

    async fn upload(
        &self,
        who: &str,
        file_name: &str,
        bytes: Vec<u8>,
        dry_run: bool,
    ) -> (StatusCode, Value) {
        let form = Form::new().part("file", Part::bytes(bytes).file_name(file_name.to_string()));
        send(
            self.app
                .request(
                    Method::POST,
                    &format!("/api/v1/forms/{FORM}/periods/2025/uploads?dry_run={dry_run}"),
                    Some(self.token(who)),
                )
                .multipart(form),
        )
        .await
    }
}

/// The (row, column, field) of every issue of an error body.
fn located(body: &Value) -> Vec<(u64, Option<String>, Option<String>)> {
    body["issues"]
        .as_array()
        .unwrap_or_else(|| panic!("issues expected: {body}"))
        .iter()
        .map(|i| {
            assert!(
                !i["message"].as_str().unwrap_or("").is_empty(),
                "every issue says what is wrong: {i}"
            );
            (
                i["row"].as_u64().unwrap(),
                i["column"].as_str().map(str::to_string),
                i["field"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The fields named by the issues of an error body.
fn issue_fields(body: &Value) -> Vec<String> {
    located(body)
        .into_iter()
        .map(|(_, _, f)| f.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn forms_install_list_and_refuse_a_bad_definition() {
    let r = Reporting::setup().await;
    // JSON works as well as plain text.
    let (s, body) = r
        .app
        .send_json(
            Method::POST,
            "/api/v1/forms",
            r.token("zone"),
            &json!({"definition": QUARTERLY}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["code"].as_str(), body["period_type"].as_str()),
        (Some("torch_quarterly"), Some("quarterly"))
    );
    // The same text again changes nothing.
    let (s, _) = r.install("zone", ANNUAL).await;
    assert_eq!(s, StatusCode::CREATED);

    let (s, list) = r.get("filer", "/api/v1/forms").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["torch_annual", "torch_quarterly"]);
    let annual = &list[0];
    assert_eq!(annual["version"], 1);
    assert_eq!(annual["versions"], json!([1]));
    assert_eq!(annual["fields"].as_array().unwrap().len(), 32);
    assert_eq!(annual["rules"].as_array().unwrap().len(), 34);
    let rd_staff = &annual["fields"][1];
    assert_eq!(
        rd_staff,
        &json!({
            "code": "rd_staff", "zh": "研究开发人员", "en": "R&D staff", "group": "staff",
            "unit": "persons", "unit_zh": "人", "unit_en": "persons", "type": "integer",
            "required": true, "negative_allowed": false, "part_of": "employees",
        })
    );
    assert_eq!(
        annual["rules"][0],
        json!({
            "code": "A01", "severity": "error", "when": null, "check": "rd_staff <= employees",
            "fields": ["rd_staff"], "zh": "研究开发人员不能大于年末从业人员",
            "en": "R&D staff cannot exceed employees at year end",
        })
    );
    let a06 = &annual["rules"][5];
    assert_eq!(
        (a06["when"].as_str(), a06["check"].as_str()),
        (Some("rd_staff > 0"), Some("present(rd_fte)"))
    );

    let (s, one) = r.get("park", "/api/v1/forms/torch_annual?version=1").await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(&one, annual);
    let (s, _) = r.get("park", "/api/v1/forms/torch_annual?version=2").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = r.get("park", "/api/v1/forms/nothing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A misspelt field in a rule: refused with the rule, the formula and the place.
    let bad = ANNUAL.replace("version = 1", "version = 2").replace(
        "check = \"rd_staff <= employees\"",
        "check = \"rd_staff <= employes\"",
    );
    let (s, body) = r.install("zone", &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("A01") && message.contains("employes") && message.contains("employees"),
        "{message}"
    );
    assert!(is_chinese(message), "{message}");
    let (s, body) = send(
        r.app
            .request(Method::POST, "/api/v1/forms", Some(r.token("zone")))
            .header("accept-language", "en")
            .body("code = \"x\"\nversion = 1\nname_zh = 1\n"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("line 3"),
        "{body}"
    );
    // A changed definition under a version that exists.
    let changed = ANNUAL.replace("deadline_days = 90", "deadline_days = 60");
    let (s, body) = r.install("zone", &changed).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // Only zone staff and administrators define forms.
    for who in ["park", "filer"] {
        let (s, body) = r.install(who, ANNUAL).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {body}");
    }
    let (s, list) = r.get("zone", "/api/v1/forms").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list[0]["versions"], json!([1]), "nothing was installed");

    // Periods: the form's default deadline is the last day plus 90 days.
    let (s, body) = r.open("zone", "2024", None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "form_code": "torch_annual", "period": "2024", "label_zh": "2024年",
            "label_en": "2024", "form_version": 1, "deadline": "2025-03-31",
            "closed_units": [],
        })
    );
    let (s, body) = r.open("zone", "2025Q1", None).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an annual form: {body}"
    );
    let (s, body) = r.open("zone", "next year", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, body) = r.open("zone", "2026", Some("31/03/2027")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, body) = r.open("park", "2026", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, periods) = r.get("filer", "/api/v1/forms/torch_annual/periods").await;
    assert_eq!(s, StatusCode::OK, "{periods}");
    let listed: Vec<(&str, &str)> = periods
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap(),
                p["deadline"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, [("2025", "2030-03-31"), ("2024", "2025-03-31")]);
}

#[tokio::test]
async fn a_filer_saves_a_draft_then_submits() {
    let r = Reporting::setup().await;
    let (s, body) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing filed yet: {body}");

    // A draft may be incomplete; its findings say what is missing.
    let (s, draft) = r
        .put(
            "filer",
            "A1",
            json!({"values": {"employees": 120, "revenue": "50,000", "land_area": null}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{draft}");
    assert_eq!(
        (
            draft["status"].as_str(),
            draft["locked"].as_bool(),
            draft["revision"].as_i64(),
            draft["form_version"].as_i64(),
            draft["credit_code"].as_str(),
            draft["park_code"].as_str(),
        ),
        (
            Some("draft"),
            Some(false),
            Some(1),
            Some(1),
            Some(r.app.firms["A1"].credit_code.as_str()),
            Some(PARK_A)
        )
    );
    assert_eq!(draft["values"], json!({"employees": 120, "revenue": 50000}));
    assert_eq!(draft["first_submitted_at"], Value::Null);
    assert_eq!(draft["may_submit"], false);
    let blank: Vec<(&str, Option<&str>, &str)> = draft["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["fields"][0].as_str().unwrap(),
                f["rule"].as_str(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        blank,
        [
            "rd_staff",
            "net_profit",
            "taxes_paid",
            "total_assets",
            "total_liabilities",
            "rd_expenditure_internal",
            "patents_held",
            "invention_patents_held",
            "energy_consumption",
        ]
        .map(|f| (f, None, "error"))
    );
    assert!(is_chinese(
        draft["findings"][0]["message"].as_str().unwrap()
    ));

    // Submitted complete: no findings, the values exactly as sent.
    let (s, filed) = r
        .put(
            "filer",
            "A1",
            json!({"values": good_values(), "submit": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{filed}");
    assert_eq!(filed["id"], draft["id"]);
    assert_eq!(
        (filed["status"].as_str(), filed["revision"].as_i64()),
        (Some("submitted"), Some(2))
    );
    assert_eq!(filed["values"], good_values());
    assert_eq!(filed["findings"], json!([]));
    assert_eq!(filed["may_submit"], true);
    assert!(filed["first_submitted_at"].as_i64().is_some(), "{filed}");

    let (s, read) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::OK, "{read}");
    assert_eq!(read, filed);
    // Park staff of the enterprise's park and zone staff read it too.
    for who in ["park", "zone", "admin"] {
        let (s, body) = r.filing(who, "A1").await;
        assert_eq!(s, StatusCode::OK, "{who}: {body}");
    }
    // A period that is not open, a form that does not exist, a code that names nobody.
    let (s, _) = r
        .put_in("filer", "A1", "2023", json!({"values": good_values()}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = r
        .get(
            "filer",
            &format!(
                "/api/v1/filings/nothing/2025/{}",
                r.app.firms["A1"].credit_code
            ),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = r
        .get(
            "zone",
            &format!("/api/v1/filings/{FORM}/2025/{}", credit_code(99)),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn errors_block_a_submission_and_warnings_need_an_explanation() {
    let r = Reporting::setup().await;
    // R&D staff above employees: rule A01, shown beside rd_staff.
    let wrong = values_with(json!({"rd_staff": 130}));
    let (s, body) = r
        .put("filer", "A1", json!({"values": wrong, "submit": true}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "invalid_input");
    assert_eq!(issue_fields(&body), ["rd_staff"]);
    let message = body["issues"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("A01") && message.contains("研究开发人员不能大于年末从业人员"),
        "{message}"
    );
    let (s, _) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing was stored");

    // The same values are kept as a draft, with the finding.
    let (s, body) = r.put("filer", "A1", json!({"values": wrong})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "draft");
    assert_eq!(
        body["findings"],
        json!([{
            "rule": "A01", "severity": "error", "fields": ["rd_staff"],
            "message": "研究开发人员不能大于年末从业人员", "explained": false,
        }])
    );

    // Net profit above revenue: warning A22 beside net_profit, which needs a word.
    let warned = values_with(json!({"net_profit": 60000}));
    let (s, body) = r
        .put("filer", "A1", json!({"values": warned, "submit": true}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(issue_fields(&body), ["net_profit"]);
    assert!(
        body["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("A22"),
        "{body}"
    );
    let (s, body) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (body["status"].as_str(), body["revision"].as_i64()),
        (Some("draft"), Some(1)),
        "the refused submission changed nothing"
    );

    // Explained, it is accepted; an explanation of a rule that did not fire is not kept.
    let (s, body) = r
        .put(
            "filer",
            "A1",
            json!({
                "values": warned,
                "explanations": {"A22": " 含出售子公司的投资收益 ", "A17": "无关"},
                "submit": true,
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["revision"].as_i64()),
        (Some("submitted"), Some(2))
    );
    assert_eq!(
        body["explanations"],
        json!({"A22": "含出售子公司的投资收益"})
    );
    assert_eq!(body["may_submit"], true);
    assert_eq!(
        body["findings"],
        json!([{
            "rule": "A22", "severity": "warning", "fields": ["net_profit"],
            "message": "净利润大于营业收入，请核实并说明（如投资收益）", "explained": true,
        }])
    );

    // Codes the form does not have, and values that are not numbers: every one named,
    // in the caller's language.
    let (s, body) = send(
        r.app
            .request(Method::PUT, &r.filing_path("A1", "2025"), Some(r.token("filer")))
            .header("accept-language", "en")
            .json(&json!({
                "values": values_with(json!({"employes": 120, "rd_fte": "about 25", "patents_held": true})),
                "submit": false,
            })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(issue_fields(&body), ["employes", "rd_fte", "patents_held"]);
    assert_eq!(
        body["issues"][0]["message"],
        "'employes' is not a field code of the form"
    );
    assert!(
        body["issues"][1]["message"]
            .as_str()
            .unwrap()
            .contains("about 25"),
        "{body}"
    );
    // A negative count and a fraction of a person.
    let (s, body) = r
        .put(
            "filer",
            "A1",
            json!({"values": values_with(json!({"patents_held": -1, "employees": 120.5}))}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(issue_fields(&body), ["employees", "patents_held"]);
    let (s, body) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["revision"], 2, "refused drafts changed nothing");
}

#[tokio::test]
async fn filers_and_park_staff_reach_only_their_own_filings() {
    let r = Reporting::setup().await;
    let id = r.submit("filer", "A1", good_values()).await;
    let revisions = format!("/api/v1/filings/{id}/revisions");

    // The filer of B neither reads nor writes A's filing.
    let (s, body) = r.filing("filer_b", "A1").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "forbidden");
    let (s, body) = r
        .put(
            "filer_b",
            "A1",
            json!({"values": good_values(), "submit": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, _) = r.get("filer_b", &revisions).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Nor does A's filer touch B's.
    let (s, _) = r.put("filer", "B1", json!({"values": good_values()})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Park staff of the other park neither read nor review it.
    let (s, _) = r.filing("park_b", "A1").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = r.get("park_b", &revisions).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = r.act("park_b", id, "approve", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, _) = r.act("park_b", id, "return", Some("越权退回")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A filer does not review its own filing.
    let (s, _) = r.act("filer", id, "approve", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = r.filing("filer", "A1").await;
    assert_eq!(
        (body["status"].as_str(), body["revision"].as_i64()),
        (Some("submitted"), Some(1)),
        "no refused step changed anything"
    );
    assert_eq!(s, StatusCode::OK);

    // Park staff of A return it, but only with a reason.
    for reason in [None, Some("   ")] {
        let (s, body) = r.act("park", id, "return", reason).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{reason:?}: {body}");
        assert_eq!(body["message"], "请填写理由");
    }
    let (s, body) = r.act("park", id, "return", Some("营业收入口径有误")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["status"].as_str(),
            body["note"].as_str(),
            body["revision"].as_i64()
        ),
        (Some("returned"), Some("营业收入口径有误"), Some(2))
    );
    // Not approvable while returned (the filing has moved on: a conflict); resubmitted, it is.
    let (s, _) = r.act("park", id, "approve", None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    r.submit("filer", "A1", values_with(json!({"revenue": 48000})))
        .await;
    let (_, body) = r.filing("park", "A1").await;
    assert_eq!(
        body["note"],
        Value::Null,
        "resubmitted, the return is answered"
    );
    let (s, body) = r.act("park", id, "approve", None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["locked"].as_bool()),
        (Some("approved"), Some(false))
    );
    // An approved filing is no longer the filer's to change, but the park may return it.
    let (s, _) = r
        .put(
            "filer",
            "A1",
            json!({"values": good_values(), "submit": true}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "approved: no longer the filer's to submit"
    );
    let (s, body) = r.act("zone", id, "return", Some("复核发现错误")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "returned");
    // Unknown actions and ids.
    let (s, body) = r.act("park", id, "delete", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, _) = r.act("park", id + 1000, "approve", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn closing_locks_until_the_zone_reopens_and_every_revision_is_kept() {
    let r = Reporting::setup().await;
    let id = r.submit("filer", "A1", good_values()).await;
    let (s, _) = r.act("park", id, "approve", None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, draft) = r
        .put("park", "A2", json!({"values": {"employees": 40}}))
        .await;
    assert_eq!(s, StatusCode::OK, "{draft}");

    // Only the zone closes.
    for who in ["park", "filer"] {
        let (s, body) = r.close(who, ZONE).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {body}");
    }
    let (s, body) = r.close("zone", "NOPE").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, body) = r.close("zone", ZONE).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["locked"], 2, "A1's approved filing and A2's draft");
    assert_eq!(body["period"]["closed_units"], json!([ZONE]));
    let (s, body) = r.close("zone", ZONE).await;
    assert_eq!(s, StatusCode::CONFLICT, "closed already: {body}");

    // Locked: the filer cannot change it, and nobody files anew.
    let (s, body) = r
        .put(
            "filer",
            "A1",
            json!({"values": values_with(json!({"employees": 125})), "submit": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().unwrap().contains("锁定"), "{body}");
    let (s, body) = r
        .put(
            "filer_b",
            "B1",
            json!({"values": good_values(), "submit": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().unwrap().contains("关闭"), "{body}");
    let (s, body) = r.filing("filer", "A1").await;
    assert_eq!(
        (body["status"].as_str(), body["locked"].as_bool()),
        (Some("approved"), Some(true))
    );
    assert_eq!(s, StatusCode::OK);

    // Reopening is the zone's, with a reason.
    let (s, _) = r.act("park", id, "reopen", Some("园区想改")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = r.act("zone", id, "reopen", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, body) = r
        .act("zone", id, "reopen", Some("企业更正从业人员数"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["status"].as_str(),
            body["locked"].as_bool(),
            body["note"].as_str()
        ),
        (Some("returned"), Some(false), Some("企业更正从业人员数"))
    );
    let (s, body) = r
        .put(
            "filer",
            "A1",
            json!({"values": values_with(json!({"employees": 125})), "submit": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // Approved again in the closed period, it locks at once.
    let (s, body) = r.act("park", id, "approve", None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["locked"].as_bool()),
        (Some("approved"), Some(true))
    );

    // Every step is a revision, newest first, with who, why and what changed.
    let (s, list) = r
        .get("filer", &format!("/api/v1/filings/{id}/revisions"))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    /// Number, action, status, locked, who, why, how many fields changed.
    type Step<'a> = (i64, &'a str, &'a str, bool, &'a str, Option<&'a str>, usize);
    let steps: Vec<Step> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["number"].as_i64().unwrap(),
                v["action"].as_str().unwrap(),
                v["status"].as_str().unwrap(),
                v["locked"].as_bool().unwrap(),
                v["actor_name"].as_str().unwrap(),
                v["note"].as_str(),
                v["changes"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (6, "approve", "approved", true, "park", None, 0),
            (5, "submit", "submitted", false, "filer", None, 1),
            (
                4,
                "reopen",
                "returned",
                false,
                "zone",
                Some("企业更正从业人员数"),
                0
            ),
            (3, "lock", "approved", true, "zone", None, 0),
            (2, "approve", "approved", false, "park", None, 0),
            (1, "submit", "submitted", false, "filer", None, 12),
        ]
    );
    assert_eq!(
        list[1]["changes"],
        json!([{"field": "employees", "before": 120.0, "after": 125.0}])
    );
    assert_eq!(
        list[5]["changes"][0],
        json!({"field": "employees", "before": null, "after": 120.0})
    );
    assert_eq!(list[1]["values"]["employees"], 125);
    assert_eq!(list[5]["values"], good_values());
    let (s, _) = r
        .get("park_b", &format!("/api/v1/filings/{id}/revisions"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = r.get("zone", "/api/v1/filings/999999/revisions").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn completeness_counts_each_park_and_lists_the_missing() {
    let r = Reporting::setup().await;
    // 2024 closed for filing on 2025-03-31: a submission now is late.
    let (s, _) = r.open("zone", "2024", Some("2025-03-31")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = r
        .put_in(
            "filer",
            "A1",
            "2024",
            json!({"values": good_values(), "submit": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // 2025: A1 submitted and approved, A2 a draft only, B1 nothing.
    let id = r.submit("filer", "A1", good_values()).await;
    let (s, _) = r.act("park", id, "approve", None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = r
        .put("park", "A2", json!({"values": {"employees": 40}}))
        .await;
    assert_eq!(s, StatusCode::OK);

    let counts = |c: [u32; 7]| {
        json!({
            "expected": c[0], "filed": c[1], "on_time": c[2], "late": c[3],
            "missing": c[4], "returned": c[5], "approved": c[6],
        })
    };
    let path = |period: &str, unit: &str| {
        format!("/api/v1/forms/{FORM}/periods/{period}/completeness{unit}")
    };
    // Zone staff: their zone when no unit is given.
    let (s, body) = r.get("zone", &path("2025", "")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["unit_code"], ZONE);
    assert_eq!(body["closed"], false);
    assert_eq!(body["period"]["deadline"], "2030-03-31");
    let parks: Vec<(&str, &Value)> = body["parks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["park_code"].as_str().unwrap(), &p["counts"]))
        .collect();
    //                       expected filed on_time late missing returned approved
    let a = counts([2, 1, 1, 0, 1, 0, 1]);
    let b = counts([1, 0, 0, 0, 1, 0, 0]);
    assert_eq!(parks, [(PARK_A, &a), (PARK_B, &b)]);
    assert_eq!(body["total"], counts([3, 1, 1, 0, 2, 0, 1]));
    let missing: Vec<(&str, &str, bool, &str)> = body["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["credit_code"].as_str().unwrap(),
                m["park_code"].as_str().unwrap(),
                m["has_draft"].as_bool().unwrap(),
                m["contact_phone"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            (
                r.app.firms["A2"].credit_code.as_str(),
                PARK_A,
                true,
                "0931-8888888"
            ),
            (
                r.app.firms["B1"].credit_code.as_str(),
                PARK_B,
                false,
                "0931-8888888"
            ),
        ]
    );
    // The late year.
    let (s, body) = r
        .get("zone", &path("2024", &format!("?unit={PARK_A}")))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["total"], counts([2, 1, 0, 1, 1, 0, 0]));

    // Park staff see their park; not the other, and filers see none.
    let (s, body) = r.get("park", &path("2025", "")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["unit_code"], PARK_A);
    assert_eq!(body["total"], a);
    assert_eq!(body["missing"].as_array().unwrap().len(), 1);
    let (s, _) = r
        .get("park", &path("2025", &format!("?unit={PARK_B}")))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = r.get("filer", &path("2025", "")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = r.get("zone", &path("2025", "?unit=NOPE")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = r.get("zone", &path("2023", "")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// The upload layout with field codes as headers: A credit code, B name, C period, D-O
/// the fields, P the explanation.
const HEADER: &str = "统一社会信用代码,企业名称,报告期,employees,rd_staff,rd_fte,revenue,net_profit,\
taxes_paid,total_assets,total_liabilities,rd_expenditure_internal,patents_held,\
invention_patents_held,energy_consumption,说明";

/// One row for `code` with the good values, `period` and `explanation`.
fn row(code: &str, period: &str, net_profit: &str, explanation: &str) -> String {
    format!(
        "{code},某公司,{period},120,30,25.5,50000,{net_profit},1500,80000.25,30000,4000,12,5,350.5,{explanation}"
    )
}

/// A file of many bad rows: the first thousand problems in the file's order and how many
/// there are, not a list as long as the file.
#[tokio::test]
async fn an_upload_with_thousands_of_problems_lists_the_first_thousand() {
    let r = Reporting::setup().await;
    // Credit codes well formed but in no registry: each row found wrong when checked
    // against the registry, after reading.
    let rows: Vec<String> = (0..1_200)
        .map(|n| row(&credit_code(50_000 + n), "2025", "3000", ""))
        .collect();
    let file = format!("{HEADER}\n{}\n", rows.join("\n"));
    let (s, body) = r
        .upload("park", "filings.csv", file.into_bytes(), true)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["issues_total"], 1_200, "{}", body["message"]);
    let listed = located(&body);
    assert_eq!(listed.len(), 1_000);
    assert_eq!(listed[0].0, 2);
    assert_eq!(listed[999].0, 1_001);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("1,200") && message.contains("前 1,000 个"),
        "{message}"
    );
}

#[tokio::test]
async fn an_upload_names_each_bad_input_and_writes_nothing() {
    let r = Reporting::setup().await;
    let a1 = r.app.firms["A1"].credit_code.clone();
    let a2 = r.app.firms["A2"].credit_code.clone();
    let b1 = r.app.firms["B1"].credit_code.clone();
    let good_a1 = row(&a1, "2025", "3000", "");
    let good_a2 = row(&a2, "2025", "3000", "");
    let csv = |rows: &[String]| format!("{HEADER}\n{}\n", rows.join("\n"));
    let some = |s: &str| Some(s.to_string());

    type Case = (
        &'static str,
        String,
        Vec<(u64, Option<String>, Option<String>)>,
    );
    let cases: Vec<Case> = vec![
        (
            "text in a number cell",
            csv(&[good_a1.replace(",120,30,", ",很多,30,"), good_a2.clone()]),
            vec![(2, some("D"), some("employees"))],
        ),
        (
            "a negative count",
            csv(&[good_a1.clone(), good_a2.replace(",12,5,", ",-1,5,")]),
            vec![(3, some("M"), some("patents_held"))],
        ),
        (
            "a required field left blank",
            csv(&[good_a1.replace(",350.5,", ",,"), good_a2.clone()]),
            vec![(2, some("O"), some("energy_consumption"))],
        ),
        (
            "an unknown column",
            format!(
                "{HEADER},净资产\n{},1\n{},2\n",
                good_a1.clone(),
                good_a2.clone()
            ),
            vec![(1, some("Q"), None)],
        ),
        (
            "the same enterprise twice",
            csv(&[good_a1.clone(), good_a2.clone(), good_a1.clone()]),
            vec![(4, some("A"), some("credit_code"))],
        ),
        (
            "a credit code not in the registry",
            csv(&[good_a1.clone(), row(&credit_code(99), "2025", "3000", "")]),
            vec![(3, some("A"), some("credit_code"))],
        ),
        (
            "an enterprise outside the uploader's park",
            csv(&[good_a1.clone(), row(&b1, "2025", "3000", "")]),
            vec![(3, some("A"), some("credit_code"))],
        ),
        (
            "a wrong period",
            csv(&[row(&a1, "2024", "3000", ""), good_a2.clone()]),
            vec![(2, some("C"), some("period"))],
        ),
        (
            "an unexplained warning",
            csv(&[good_a1.clone(), row(&a2, "2025", "60000", "")]),
            vec![(3, some("H"), some("net_profit"))],
        ),
        (
            "all of it at once, listed in the file's order",
            csv(&[
                row(&credit_code(99), "2025", "3000", ""),
                good_a1.replace(",120,30,", ",很多,30,"),
                row(&b1, "2025", "3000", ""),
                row(&a2, "2025", "60000", ""),
            ]),
            vec![
                (2, some("A"), some("credit_code")),
                (3, some("D"), some("employees")),
                (4, some("A"), some("credit_code")),
                (5, some("H"), some("net_profit")),
            ],
        ),
    ];
    for (what, file, expected) in cases {
        for dry_run in [true, false] {
            let (s, body) = r
                .upload("park", "filings.csv", file.clone().into_bytes(), dry_run)
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
            assert_eq!(body["error"], "invalid_input", "{what}");
            assert_eq!(located(&body), expected, "{what}: {body}");
            assert!(
                is_chinese(body["issues"][0]["message"].as_str().unwrap()),
                "{what}: {body}"
            );
        }
    }
    for firm in ["A1", "A2", "B1"] {
        let (s, body) = r.filing("zone", firm).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "nothing was written: {body}");
    }

    // Files that are not tables at all.
    let not_tables: [(&str, &str, Vec<u8>); 4] = [
        ("a PDF", "filings.pdf", b"%PDF-1.7".to_vec()),
        (
            "a text file named xlsx",
            "filings.xlsx",
            b"credit_code".to_vec(),
        ),
        ("an empty file", "filings.csv", Vec::new()),
        (
            "a header only",
            "filings.csv",
            format!("{HEADER}\n").into_bytes(),
        ),
    ];
    for (what, name, bytes) in not_tables {
        let (s, body) = r.upload("park", name, bytes, true).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert!(
            !body["message"].as_str().unwrap_or("").is_empty(),
            "{what}: {body}"
        );
    }
}

#[tokio::test]
async fn a_good_upload_is_checked_then_committed_at_once() {
    let r = Reporting::setup().await;
    let a1 = r.app.firms["A1"].credit_code.clone();
    let a2 = r.app.firms["A2"].credit_code.clone();
    // A2's warning is explained in its row.
    let file = format!(
        "{HEADER}\n{}\n{}\n",
        row(&a1, "2025", "3000", ""),
        row(&a2, "2025", "60000", "含投资收益")
    );
    let (s, body) = r
        .upload("park", "filings.csv", file.clone().into_bytes(), true)
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"dry_run": true, "rows": 2, "created": 2, "updated": 0, "explained_warnings": 1})
    );
    let (s, _) = r.filing("zone", "A1").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a dry run writes nothing");

    let (s, body) = r
        .upload("park", "filings.csv", file.clone().into_bytes(), false)
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"dry_run": false, "rows": 2, "created": 2, "updated": 0, "explained_warnings": 1})
    );
    let (s, filed) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::OK, "{filed}");
    assert_eq!(
        (filed["status"].as_str(), filed["revision"].as_i64()),
        (Some("submitted"), Some(1))
    );
    assert_eq!(filed["values"], good_values());
    let (s, filed) = r.filing("park", "A2").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(filed["explanations"], json!({"A22": "含投资收益"}));
    assert_eq!(filed["values"]["net_profit"], 60000);

    // Uploaded again: the same filings, resubmitted.
    let (s, body) = r
        .upload("park", "filings.csv", file.into_bytes(), false)
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        (body["created"].as_u64(), body["updated"].as_u64()),
        (Some(0), Some(2))
    );
    let (s, filed) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(filed["revision"], 2);
}

#[tokio::test]
async fn every_read_of_an_enterprises_filed_values_is_recorded_for_the_administrator() {
    let r = Reporting::setup().await;
    let a1 = r.app.firms["A1"].credit_code.clone();
    let reads_of = |query: String| {
        let r = &r;
        async move {
            let (s, body) = r
                .get("admin", &format!("/api/v1/audit/reads?{query}"))
                .await;
            assert_eq!(s, StatusCode::OK, "{body}");
            body
        }
    };
    assert_eq!(reads_of(format!("credit_code={a1}")).await["total"], 0);

    // Submitting answers with the filing as stored: the filer's own read.
    let id = r.submit("filer", "A1", good_values()).await;
    let (s, _) = r.filing("filer", "A1").await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = r
        .get("park", &format!("/api/v1/filings/{id}/revisions"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let reads = reads_of(format!("credit_code={a1}")).await;
    assert_eq!(reads["total"], 3, "{reads}");
    let newest = &reads["items"][0];
    assert_eq!(newest["username"], "park");
    assert_eq!(newest["what"], "filing_history");
    assert_eq!(newest["credit_code"], a1.as_str());
    assert_eq!(newest["detail"], "torch_annual 2025");
    assert_eq!(reads["items"][1]["username"], "filer");
    assert_eq!(reads["items"][1]["what"], "filing");

    // A refused read is not a read: the other park's staff get nothing and leave nothing.
    let (s, _) = r.filing("park_b", "A1").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(reads_of("reader=park_b".into()).await["total"], 0);

    // The zone's export of approved filings records one read per enterprise in it.
    let (s, body) = r.act("park", id, "approve", None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let r2 = r
        .app
        .request(
            Method::GET,
            &format!("/reports/{FORM}/2025/files/approved.csv"),
            Some(r.token("zone")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r2.status(), StatusCode::OK);
    let by_zone = reads_of("reader=zone".into()).await;
    assert_eq!(by_zone["total"], 1, "{by_zone}");
    assert_eq!(by_zone["items"][0]["what"], "filings_export");
    assert_eq!(by_zone["items"][0]["credit_code"], a1.as_str());

    // Only administrators read the trail, on the page as in the API.
    let (s, _) = r.get("zone", "/api/v1/audit/reads").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, html) =
        crate::support::page(&r.app, "/audit/reads?reader=filer", r.token("admin")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("企业数据查阅"), "{html}");
    assert!(html.contains(&r.app.firms["A1"].name), "{html}");
    let (s, _) = crate::support::page(&r.app, "/audit/reads", r.token("zone")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn each_desk_shows_what_waits_for_its_user() {
    let r = Reporting::setup().await;
    let desk = |who: &'static str| {
        let r = &r;
        async move {
            let (s, html) = crate::support::page(&r.app, "/", r.token(who)).await;
            assert_eq!(s, StatusCode::OK, "{who}: {html}");
            html
        }
    };
    let a1 = r.app.firms["A1"].id;
    // The filer owes its 2025 filing.
    let html = desk("filer").await;
    assert!(html.contains("工作台"), "{html}");
    assert!(
        html.contains(&format!("/reports/{FORM}/2025/enterprises/{a1}")),
        "{html}"
    );
    assert!(html.contains("未填报") || html.contains("尚未"), "{html}");
    // Park A's staff: its two enterprises have not submitted; nothing to review yet.
    let html = desk("park").await;
    assert!(html.contains("尚未提交的企业"), "{html}");
    assert!(!html.contains("待审核的报表"), "{html}");
    // Once A1 submits, park A has one filing to review and the filer's own line moves to
    // the submitted ones.
    r.submit("filer", "A1", good_values()).await;
    let html = desk("park").await;
    let review = html
        .split("desk-item desk-review")
        .nth(1)
        .expect("a review line");
    assert!(review.contains(">1<"), "{review}");
    assert!(review.contains("status=submitted"), "{review}");
    let html = desk("filer").await;
    assert!(!html.contains(&format!("enterprises/{a1}\"")), "{html}");
    assert!(html.contains("desk-settled"), "{html}");
    // Park B's staff see nothing of park A's work.
    let html = desk("park_b").await;
    assert!(!html.contains("desk-review"), "{html}");
}
