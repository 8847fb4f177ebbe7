//! The test harness: the real application on a random port over a store of the test's own
//! (SQLite, or PostgreSQL when INNOZONE_TEST_POSTGRES_URL is set), and an HTTP client that
//! talks to it. [`TestApp::spawn`] seeds a small registry with one account per role;
//! [`TestApp::with_example`] starts from a copy of the whole built-in example (loaded once
//! per test process); [`TestApp::serve`] serves a store a test has prepared itself.
//! The browser tests include this module too.

use std::collections::HashMap;
use std::sync::Arc;

use innozone_app::accounts::LoginGuard;
use innozone_app::limits::Limits;
use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::{
    CreditCode, Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership, EnterpriseDraft,
    EnterpriseId, HighTechField, IndustryCode, Recognition, RegistrationType, SizeClass, Tier,
    UnitCode, UnitDraft, UnitId, UnitKind,
};
use innozone_store::{Actor, NewUser, Store};
use innozone_web::AppState;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use time::macros::date;

/// The password of every seeded account.
pub const PASSWORD: &str = "Correct-Horse-9";

pub const ZONE: &str = "TZ";
pub const PARK_A: &str = "TZ-A";
pub const PARK_B: &str = "TZ-B";

/// A seeded enterprise.
#[derive(Debug, Clone)]
pub struct Firm {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub park: &'static str,
}

pub struct TestApp {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
    /// A1 and A2 in park A, B1 in park B.
    pub firms: HashMap<&'static str, Firm>,
    pub user_ids: HashMap<&'static str, i64>,
}

/// A credit code with a valid check character: 17 characters of which 3-8 are digits.
pub fn credit_code(n: u32) -> String {
    CreditCode::complete(&format!("916201007{n:08}"))
        .expect("valid first 17 characters")
        .to_string()
}

/// The same code with a wrong check character.
pub fn wrong_check_character(code: &str) -> String {
    let last = code.chars().last().expect("18 characters");
    let other = if last == '0' { '1' } else { '0' };
    format!("{}{other}", &code[..17])
}

fn unit(code: &str, name: &str, kind: UnitKind) -> UnitDraft {
    UnitDraft {
        code: UnitCode::parse(code).expect("valid code"),
        name_zh: name.to_string(),
        name_en: None,
        kind,
        area_km2: Some(10.0),
        population: None,
        leading_industries: vec!["软件".to_string()],
        spatial_role: None,
    }
}

fn firm(code: &str, name: &str, park: &str, tiers: Vec<Recognition>) -> DatasetEnterprise {
    DatasetEnterprise {
        draft: EnterpriseDraft {
            credit_code: CreditCode::parse(code).expect("valid credit code"),
            name: name.to_string(),
            industry: IndustryCode::parse("6511").expect("valid industry"),
            high_tech_field: Some(HighTechField::ElectronicInformation),
            size_class: SizeClass::AboveScale,
            registration_type: RegistrationType::LimitedLiability,
            contact_name: Some("张伟".to_string()),
            contact_phone: Some("0931-8888888".to_string()),
            in_survey: true,
        },
        locations: vec![DatasetLocation {
            park: UnitCode::parse(park).expect("valid code"),
            from: date!(2018 - 03 - 01),
            until: None,
        }],
        recognitions: tiers,
    }
}

/// One zone with two parks; two enterprises in park A, one in park B.
fn dataset() -> Dataset {
    let member = |child: &str, parent: &str| DatasetMembership {
        child: UnitCode::parse(child).expect("valid"),
        parent: UnitCode::parse(parent).expect("valid"),
        from: date!(2015 - 01 - 01),
        until: None,
    };
    let high_tech = Recognition {
        tier: Tier::HighTech,
        certificate_no: "GR202362000001".to_string(),
        issued_on: date!(2023 - 01 - 01),
        expires_on: None,
    };
    Dataset {
        units: vec![
            unit(ZONE, "测试高新区", UnitKind::Zone),
            unit(PARK_A, "甲园区", UnitKind::Park),
            unit(PARK_B, "乙园区", UnitKind::Park),
        ],
        memberships: vec![member(PARK_A, ZONE), member(PARK_B, ZONE)],
        enterprises: vec![
            firm(&credit_code(1), "甲一科技有限公司", PARK_A, vec![high_tech]),
            firm(&credit_code(2), "甲二软件有限公司", PARK_A, vec![]),
            firm(&credit_code(3), "乙一材料有限公司", PARK_B, vec![]),
        ],
    }
}

impl TestApp {
    /// Starts the application over a fresh store seeded with one zone, two parks, three
    /// enterprises (A1 and A2 in park A, B1 in park B) and one account per role.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_configured(
            innozone_store_sql::testing::fresh_store().await,
            Limits::DEFAULT,
            LoginGuard::for_this_machine(),
        )
        .await
    }

    /// [`TestApp::spawn`], the server taking uploads within `limits`.
    pub async fn spawn_with_limits(limits: Limits) -> TestApp {
        let store = innozone_store_sql::testing::fresh_store().await;
        TestApp::spawn_configured(store, limits, LoginGuard::for_this_machine()).await
    }

    /// As [`TestApp::spawn`], with the given password pool and log-in back-off.
    pub async fn spawn_with_guard(guard: LoginGuard) -> TestApp {
        let store = innozone_store_sql::testing::fresh_store().await;
        TestApp::spawn_configured(store, Limits::DEFAULT, guard).await
    }

    /// [`TestApp::spawn`] over an empty store the test made (one of two over the same
    /// database, for two servers).
    pub async fn spawn_over(store: Arc<dyn Store>) -> TestApp {
        TestApp::spawn_configured(store, Limits::DEFAULT, LoginGuard::for_this_machine()).await
    }

    async fn spawn_configured(store: Arc<dyn Store>, limits: Limits, guard: LoginGuard) -> TestApp {
        store
            .load_dataset(
                &dataset(),
                &Actor::system(innozone_app::clock::now_unix()),
                &|_| {},
            )
            .await
            .expect("the seed loads");
        let hierarchy = store.hierarchy().await.expect("hierarchy");
        let mut units: HashMap<&str, UnitId> = HashMap::new();
        for code in [ZONE, PARK_A, PARK_B] {
            units.insert(code, hierarchy.unit_by_code(code).expect("seeded unit").id);
        }
        let mut firms = HashMap::new();
        for (key, n, park) in [("A1", 1, PARK_A), ("A2", 2, PARK_A), ("B1", 3, PARK_B)] {
            let code = credit_code(n);
            let e = store
                .enterprise_by_code(
                    &CreditCode::parse(&code).unwrap(),
                    innozone_app::clock::today(),
                )
                .await
                .unwrap()
                .expect("seeded enterprise");
            firms.insert(
                key,
                Firm {
                    id: e.id.0,
                    credit_code: code,
                    name: e.name.clone(),
                    park,
                },
            );
        }
        let mut app = TestApp::serve_configured(store, limits, guard).await;
        app.firms = firms;
        app.add_accounts(&[
            ("admin", Role::Administrator, Binding::Everything),
            ("zone", Role::ZoneStaff, Binding::Unit(units[ZONE])),
            ("park", Role::ParkStaff, Binding::Unit(units[PARK_A])),
            (
                "filer",
                Role::EnterpriseFiler,
                Binding::Enterprise(EnterpriseId(app.firms["A1"].id)),
            ),
            ("leader", Role::Leadership, Binding::Unit(units[ZONE])),
            ("evaluator", Role::Evaluator, Binding::Unit(units[PARK_A])),
            ("public", Role::Public, Binding::Everything),
        ])
        .await;
        app
    }

    /// Starts the application over a copy of the whole built-in example as `innozone
    /// example` loads it (registry, filings, the recognitions of every tier derived from
    /// the filings, monitoring, and the park evaluation of the 兰白 zone run for
    /// 2015–2020), without any account: a test adds the accounts it signs in with.
    pub async fn with_example() -> TestApp {
        TestApp::serve(innozone_app::testing::example_store().await).await
    }

    /// Starts the application over `store` as it is, without accounts.
    pub async fn serve(store: Arc<dyn Store>) -> TestApp {
        TestApp::serve_configured(store, Limits::DEFAULT, LoginGuard::for_this_machine()).await
    }

    /// [`TestApp::serve`], with the upload limits and the password pool and back-off given.
    pub async fn serve_configured(
        store: Arc<dyn Store>,
        limits: Limits,
        guard: LoginGuard,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut state = AppState::new(store.clone()).with_limits(limits);
        state.login = Arc::new(guard);
        tokio::spawn(async move {
            innozone_web::serve(listener, state, std::future::pending())
                .await
                .expect("the server runs");
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            base,
            store,
            client,
            firms: HashMap::new(),
            user_ids: HashMap::new(),
        }
    }

    /// Creates accounts (name, role, binding), all with [`PASSWORD`], as an administrator
    /// would; their ids go to `user_ids`.
    pub async fn add_accounts(&mut self, accounts: &[(&'static str, Role, Binding)]) {
        // One hash for every account: argon2 is slow on purpose, and the salt does not
        // matter to these tests.
        let hash = innozone_app::accounts::hash_password(
            &innozone_domain::accounts::Password::parse(
                PASSWORD,
                &Username::parse("admin").unwrap(),
            )
            .unwrap(),
        )
        .await
        .unwrap();
        for (name, role, binding) in accounts {
            let user = NewUser {
                username: Username::parse(name).unwrap(),
                display_name: format!("测试 {name}"),
                role: *role,
                binding: *binding,
                password_hash: hash.clone(),
                must_change_password: false,
            };
            let record = self
                .store
                .create_user(&user, &Actor::system(innozone_app::clock::now_unix()))
                .await
                .expect("the account is created");
            self.user_ids.insert(name, record.id);
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client whose requests come from another loopback address (`127.0.0.n`), as a
    /// second machine's would: the server throttles failed log-ins by address.
    pub fn client_from(&self, n: u8) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(std::net::IpAddr::from([127, 0, 0, n]))
            .build()
            .unwrap()
    }

    /// A request with the bearer token, if any.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    pub async fn login_response(&self, username: &str, password: &str) -> Response {
        self.request(Method::POST, "/api/v1/sessions", None)
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Signs in a seeded account and returns its bearer token.
    pub async fn login(&self, username: &str) -> String {
        let r = self.login_response(username, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::CREATED, "log-in of {username}");
        let body: Value = r.json().await.unwrap();
        body["token"].as_str().expect("a token").to_string()
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        send(self.request(Method::GET, path, Some(token))).await
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        send(self.request(method, path, Some(token)).json(body)).await
    }

    /// How many enterprises and audit entries there are, as the administrator sees them.
    pub async fn counts(&self, admin: &str) -> (i64, i64) {
        let (s, list) = self.get("/api/v1/enterprises?limit=1", admin).await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let (s, audit) = self.get("/api/v1/audit?limit=1", admin).await;
        assert_eq!(s, StatusCode::OK, "{audit}");
        (
            list["total"].as_i64().unwrap(),
            audit["total"].as_i64().unwrap(),
        )
    }

    /// The JSON record of an enterprise as `PUT /api/v1/enterprises/{id}` takes it.
    pub fn firm_record(&self, key: &str, contact: &str) -> Value {
        let f = &self.firms[key];
        serde_json::json!({
            "name": f.name,
            "industry_code": "6511",
            "high_tech_field": "electronic_information",
            "size_class": "above_scale",
            "registration_type": "limited_liability",
            "park_code": f.park,
            "contact_name": contact,
            "contact_phone": "0931-8888888",
            "in_survey": true,
        })
    }
}

/// Sends and reads the answer as JSON (null for an empty body).
pub async fn send(request: RequestBuilder) -> (StatusCode, Value) {
    let r = request.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, body)
}

/// Whether a text has Chinese characters.
pub fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A page as the browser gets it: the status and the HTML.
pub async fn page(app: &TestApp, path: &str, token: &str) -> (StatusCode, String) {
    let r = app
        .request(Method::GET, path, Some(token))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// An htmx form post: the status, the body and where htmx is sent.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, Option<String>) {
    let r = app
        .request(Method::POST, path, Some(token))
        .header("HX-Request", "true")
        .form(fields)
        .send()
        .await
        .unwrap();
    let redirect = r
        .headers()
        .get("HX-Redirect")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (r.status(), r.text().await.unwrap(), redirect)
}
