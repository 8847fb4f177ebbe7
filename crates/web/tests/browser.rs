//! End to end in a real browser: headless Chromium driven through WebDriver (fantoccini →
//! chromedriver) against the whole application served in-process over the built-in
//! example. It logs in, changes the one-time password, opens the tree, clicks through to a
//! district, a park and an enterprise, searches the enterprise list and switches the
//! language, checking what is shown against the seed the example comes from
//! (/work/shared/seeds/001_eb578331d50d6cdf.txt, 兰白科技创新改革试验区发展规划 2015—2020).
//!
//! A second walk-through follows a report through direct reporting (一套表): filed by an
//! enterprise with its checks live beside the fields, returned and approved by the park,
//! locked when the zone closes the period, every revision kept.
//!
//! Needs Debian's `chromium` and `chromium-driver`: `scripts/install-browser` installs them.
//! A screenshot of the park page is left in `target/e2e/park.png` (and of the page at the
//! moment of a failure in `target/e2e/failure.png`), chromedriver's log in
//! `target/e2e/chromedriver.log`.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdTcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use innozone_domain::registry::CreditCode;
use innozone_store::{Actor, Store};
use serde_json::{Value, json};

// The API tests' harness: the same way to serve a store. Not every helper is used here.
#[allow(dead_code)]
#[path = "api/support.rs"]
mod support;

use support::TestApp;

const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL_HINT: &str = "the browser test needs Debian's chromium and chromium-driver: run `scripts/install-browser` (as root, or with sudo) and run the test again";

/// One browser at a time: the tests of this file run in parallel otherwise, and two
/// Chromiums on a small machine make both slow enough to miss their waits.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long any one wait for the page may take.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

// What the seed says (file 001, line numbers of that file), written out here so that the
// test checks the application against the source and not against itself.
/// Line 2, the plan's title: 兰白科技创新改革试验区发展规划.
const ZONE: &str = "兰白科技创新改革试验区";
/// Line 87: "兰白试验区以兰州新区、兰州高新区、兰州经济区、白银高新区为物理边界"; line 88: "4区".
const DISTRICTS: [&str; 4] = ["兰州新区", "兰州高新区", "兰州经济区", "白银高新区"];
const DISTRICT: &str = "兰州高新区";
/// Line 100, 专栏6 兰州高新区主导产业, item 01.
const PARK: &str = "雁滩园区";
/// Line 100: "01 雁滩园区主导产业为总部经济、科技研发、科技孵化、文化创意和现代服务业。"
const PARK_INDUSTRIES: [&str; 5] = ["总部经济", "科技研发", "科技孵化", "文化创意", "现代服务业"];

/// The password the administrator chooses at first log-in (10+ characters, four classes).
const NEW_PASSWORD: &str = "Lanbai-2015-e2e!";

/// chromedriver as a child process in its own process group; the group (chromedriver and
/// the Chromium it started) is ended when the guard is dropped, also when the test fails.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn start(log: &Path) -> Chromedriver {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start chromedriver ({e}); {INSTALL_HINT}"));
        let mut driver = Chromedriver { child, port };
        driver.wait_until_listening();
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_listening(&mut self) {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let start = Instant::now();
        loop {
            if TcpStream::connect_timeout(&address, POLL).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "chromedriver ended at start-up with {status}; is it installed properly? {INSTALL_HINT}"
                );
            }
            assert!(
                start.elapsed() < PATIENCE,
                "chromedriver did not listen on port {} within {PATIENCE:?}",
                self.port
            );
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any Chromium left behind by a failed test.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg("--")
            .arg(format!("-{}", self.child.id()))
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = StdTcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free local port");
    listener.local_addr().expect("its address").port()
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// `target/e2e`, next to the test's own `target/tmp`.
fn e2e_dir() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .to_path_buf();
    let dir = target.join("e2e");
    std::fs::create_dir_all(&dir).expect("create target/e2e");
    dir
}

/// Polls `probe` until it gives a value, for up to [`PATIENCE`]. WebDriver errors (an
/// element not there yet, or gone stale because the page changed under it) count as "not
/// yet"; the last one is reported if time runs out.
async fn wait_for<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, CmdError>>,
{
    let start = Instant::now();
    let mut last = String::from("the condition never held");
    loop {
        match probe().await {
            Ok(Some(value)) => return value,
            Ok(None) => {}
            Err(e) => last = format!("last WebDriver error: {e}"),
        }
        if start.elapsed() > PATIENCE {
            panic!("waited {PATIENCE:?} for {what}; {last}");
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn element(c: &Client, css: &str) -> Element {
    wait_for(&format!("an element `{css}`"), || async move {
        c.find(Locator::Css(css)).await.map(Some)
    })
    .await
}

/// Waits until the element `css` shows `expected` (trimmed).
async fn text_becomes(c: &Client, css: &str, expected: &str) {
    wait_for(&format!("`{css}` to read {expected:?}"), || async move {
        let text = c.find(Locator::Css(css)).await?.text().await?;
        Ok((text.trim() == expected).then_some(()))
    })
    .await
}

async fn text_of(c: &Client, css: &str) -> String {
    element(c, css)
        .await
        .text()
        .await
        .unwrap_or_else(|e| panic!("the text of `{css}`: {e}"))
        .trim()
        .to_string()
}

async fn path_becomes(c: &Client, path: &str) {
    wait_for(&format!("the browser to be at {path}"), || async move {
        Ok(c.current_url().await?.path().eq(path).then_some(()))
    })
    .await;
}

/// The texts of all elements matching `css`, once there is at least one.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    wait_for(&format!("elements `{css}`"), || async move {
        let mut out = Vec::new();
        for e in c.find_all(Locator::Css(css)).await? {
            out.push(e.text().await?.trim().to_string());
        }
        Ok((!out.is_empty()).then_some(out))
    })
    .await
}

/// Finds the link reading exactly `text` inside `scope` and clicks it.
async fn click(c: &Client, scope: &str, text: &str) {
    let link = wait_for(&format!("a link {text:?} in `{scope}`"), || async move {
        let scope = c.find(Locator::Css(scope)).await?;
        scope.find(Locator::LinkText(text)).await.map(Some)
    })
    .await;
    link.click()
        .await
        .unwrap_or_else(|e| panic!("clicking {text:?}: {e}"));
}

/// Clicks the link reading exactly `text` inside `scope` and waits for the page it opens.
async fn click_link(c: &Client, scope: &str, text: &str) {
    let before = &c.current_url().await.expect("the current URL");
    click(c, scope, text).await;
    wait_for(&format!("the page of {text:?} to open"), || async move {
        Ok((c.current_url().await? != *before).then_some(()))
    })
    .await;
}

/// A screenshot of the whole page, not only the window: the window is stretched to the
/// page's height for the picture and then put back.
async fn screenshot_page(c: &Client, file: &Path) {
    // The page's height plus what the window takes around the page.
    let height = c
        .execute(
            "return Math.ceil(document.documentElement.scrollHeight + window.outerHeight - window.innerHeight);",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(900)
        .clamp(900, 6000) as u32;
    let (width, old_height) = c
        .get_window_size()
        .await
        .map(|(w, h)| (w as u32, h as u32))
        .unwrap_or((1280, 900));
    let _ = c.set_window_size(width, height).await;
    let png = c
        .screenshot()
        .await
        .unwrap_or_else(|e| panic!("screenshot: {e}"));
    let _ = c.set_window_size(width, old_height).await;
    std::fs::write(file, png).unwrap_or_else(|e| panic!("writing {}: {e}", file.display()));
}

/// The units of the tree in document order: (depth, name as shown).
async fn tree_rows(c: &Client) -> Vec<(usize, String)> {
    element(c, "#unit-tree tbody tr").await;
    let rows = c
        .execute(
            "return [...document.querySelectorAll('#unit-tree tbody tr')].map(r => [r.className, r.querySelector('td a').textContent.trim()]);",
            vec![],
        )
        .await
        .expect("reading the tree");
    rows.as_array()
        .expect("an array of rows")
        .iter()
        .map(|row| {
            let class = row[0].as_str().unwrap_or_default();
            let depth = class
                .split_whitespace()
                .find_map(|c| c.strip_prefix("depth-"))
                .and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("a tree row without depth: {row}"));
            (depth, row[1].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

/// The names of the units directly under the root unit `root` in the tree.
fn children_in_tree(rows: &[(usize, String)], root: &str) -> Vec<String> {
    let start = rows
        .iter()
        .position(|(d, n)| *d == 0 && n == root)
        .unwrap_or_else(|| panic!("{root} is not a root of the tree: {rows:?}"));
    rows[start + 1..]
        .iter()
        .take_while(|(d, _)| *d > 0)
        .filter(|(d, _)| *d == 1)
        .map(|(_, n)| n.clone())
        .collect()
}

/// The application over a copy of the built-in example's registry with its first
/// administrator, as a first start makes it: the address, the administrator's name and
/// password.
async fn start_app() -> (TestApp, String, String) {
    let store = innozone_app::testing::example_registry_store().await;
    let admin = innozone_app::example::ensure_administrator(
        store.as_ref(),
        innozone_app::accounts::HashPool::shared(),
    )
    .await
    .expect("create the administrator")
    .expect("a fresh store has no user yet");
    (TestApp::serve(store).await, admin.username, admin.password)
}

async fn browser(driver: &Chromedriver, profile: &Path) -> Client {
    let options = json!({
        "binary": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            "--lang=zh-CN",
            format!("--user-data-dir={}", profile.display()),
        ],
        // A user in China: the app picks its language from Accept-Language.
        "prefs": { "intl.accept_languages": "zh-CN,zh" },
    });
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".to_string(), Value::from("chrome"));
    capabilities.insert("goog:chromeOptions".to_string(), options);
    ClientBuilder::native()
        .capabilities(capabilities)
        .connect(&driver.url())
        .await
        .unwrap_or_else(|e| {
            panic!("cannot start a Chromium session through chromedriver: {e}; {INSTALL_HINT}")
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_in_opens_the_tree_a_park_and_an_enterprise() {
    if !Path::new(CHROMIUM).is_file() || !on_path("chromedriver") {
        panic!("{CHROMIUM} or chromedriver is missing; {INSTALL_HINT}");
    }
    let _one = ONE_BROWSER.lock().await;
    let started = Instant::now();
    let temp = tempfile::tempdir().expect("a temporary folder");
    let out = e2e_dir();
    // A picture of an earlier failure would mislead.
    let _ = std::fs::remove_file(out.join("failure.png"));
    let (app, username, password) = start_app().await;
    let base = app.base.clone();
    eprintln!(
        "app with the built-in example at {base} after {:?}",
        started.elapsed()
    );

    let profile = temp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).expect("the Chromium profile folder");
    let driver = Chromedriver::start(&out.join("chromedriver.log"));
    let c = browser(&driver, &profile).await;

    // The steps run in their own task so that a failing assertion still closes the
    // browser and leaves a screenshot of where it failed.
    let steps = tokio::spawn(walk_through(
        c.clone(),
        base,
        username,
        password,
        out.clone(),
    ));
    let outcome = steps.await;
    if outcome.is_err() {
        let _ = screenshot_page(&c, &out.join("failure.png")).await;
    }
    let _ = c.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    eprintln!("browser walk-through passed in {:?}", started.elapsed());
}

async fn walk_through(c: Client, base: String, username: String, password: String, out: PathBuf) {
    let c = &c;

    // ---- log-in: an unknown visitor is sent to the log-in page ----
    c.goto(&format!("{base}/")).await.expect("open the app");
    path_becomes(c, "/login").await;
    text_becomes(c, "h1", "登录").await;
    element(c, "input[name=username]")
        .await
        .send_keys(&username)
        .await
        .expect("type the user name");
    element(c, "input[name=password]")
        .await
        .send_keys(&password)
        .await
        .expect("type the password");
    element(c, "form[action='/login'] button[type=submit]")
        .await
        .click()
        .await
        .expect("submit the log-in");

    // ---- the one-time password must be changed first ----
    path_becomes(c, "/account").await;
    element(c, ".alert.warn").await;
    element(c, "input[name=current]")
        .await
        .send_keys(&password)
        .await
        .expect("type the current password");
    element(c, "input[name=new]")
        .await
        .send_keys(NEW_PASSWORD)
        .await
        .expect("type the new password");
    element(c, "input[name=confirm]")
        .await
        .send_keys(NEW_PASSWORD)
        .await
        .expect("confirm the new password");
    element(c, "form[hx-post='/account'] button[type=submit]")
        .await
        .click()
        .await
        .expect("save the password");
    // Saved: htmx follows HX-Redirect to the start page, the desk.
    path_becomes(c, "/").await;
    text_becomes(c, "h1", "工作台").await;
    screenshot_page(c, &out.join("desk-admin.png")).await;
    click_link(c, "nav.mainnav", "单位体系").await;
    path_becomes(c, "/units").await;

    // ---- the tree: the zone and its four districts (seed line 87-88) ----
    text_becomes(c, "h1", "单位体系").await;
    let rows = tree_rows(c).await;
    let mut districts = children_in_tree(&rows, ZONE);
    districts.sort();
    let mut expected: Vec<String> = DISTRICTS.iter().map(|d| d.to_string()).collect();
    expected.sort();
    assert_eq!(
        districts, expected,
        "the districts under {ZONE} in the tree"
    );

    // ---- click through to the district and the park ----
    click_link(c, "#unit-tree", DISTRICT).await;
    text_becomes(c, "#unit-name", DISTRICT).await;
    click_link(c, "#unit-children", PARK).await;
    text_becomes(c, "#unit-name", PARK).await;
    let crumbs = text_of(c, "nav.crumbs").await;
    assert!(
        crumbs.contains(ZONE) && crumbs.contains(DISTRICT),
        "the park's path shows the zone and the district: {crumbs:?}"
    );
    let industries = texts(c, "#leading-industries .tag").await;
    assert_eq!(
        industries, PARK_INDUSTRIES,
        "the leading industries of {PARK} (专栏6, item 01)"
    );
    screenshot_page(c, &out.join("park.png")).await;

    // ---- the park's enterprises: open the first ----
    element(c, "#unit-enterprises tbody tr").await;
    let first = element(c, "#unit-enterprises tbody tr:first-child").await;
    let cells = {
        let mut cells = Vec::new();
        for td in first
            .find_all(Locator::Css("td"))
            .await
            .expect("the cells of the first enterprise")
        {
            cells.push(td.text().await.expect("a cell's text").trim().to_string());
        }
        cells
    };
    assert_eq!(
        cells.len(),
        3,
        "name, credit code and park in the park's enterprise list: {cells:?}"
    );
    assert_eq!(
        cells[2], PARK,
        "the park column of the park's enterprise list"
    );
    let name = cells[0].clone();
    let listed_code = cells[1].clone();
    assert!(!name.is_empty(), "the first enterprise has a name");
    click_link(c, "#unit-enterprises tbody tr:first-child", &name).await;
    assert!(
        c.current_url()
            .await
            .expect("the URL")
            .path()
            .starts_with("/enterprises/"),
        "the enterprise page opened"
    );
    text_becomes(c, "#enterprise-name", &name).await;
    let code = text_of(c, "#credit-code").await;
    assert_eq!(
        code.chars().count(),
        18,
        "a unified social credit code has 18 characters: {code:?}"
    );
    if let Err(e) = CreditCode::parse(&code) {
        panic!("the credit code {code:?} of {name} is not valid: {e}");
    }
    assert_eq!(
        code, listed_code,
        "the enterprise page shows the credit code the park's list showed"
    );
    text_becomes(c, "#enterprise-park", PARK).await;

    // ---- the enterprise list: search for part of the name ----
    click_link(c, "nav.mainnav", "企业库").await;
    path_becomes(c, "/enterprises").await;
    let count_before = text_of(c, "#result-count").await;
    // The trade name and what follows, without the city in front (兰州…): specific enough
    // to find a handful, not the whole registry.
    let part: String = name.chars().skip(2).take(4).collect();
    let part = if part.chars().count() < 2 {
        name.clone()
    } else {
        part
    };
    element(c, "input[name=q]")
        .await
        .send_keys(&part)
        .await
        .expect("type into the search box");
    let (count_after, found) = wait_for(&format!("the results for {part:?} (htmx)"), || {
        let (part, name, count_before) = (&part, &name, &count_before);
        async move {
            let count = c
                .find(Locator::Id("result-count"))
                .await?
                .text()
                .await?
                .trim()
                .to_string();
            if count == *count_before {
                return Ok(None);
            }
            let mut names = Vec::new();
            for a in c
                .find_all(Locator::Css("#enterprise-table tbody td:first-child a"))
                .await?
            {
                names.push(a.text().await?.trim().to_string());
            }
            let updated = !names.is_empty() && names.iter().all(|n| n.contains(part.as_str()));
            Ok(updated.then(|| (count, names.contains(name))))
        }
    })
    .await;
    assert!(found, "searching {part:?} lists {name} ({count_after})");
    let url = c.current_url().await.expect("the URL");
    assert!(
        url.query().is_some_and(|q| q.contains("q=")),
        "htmx put the search into the address: {url}"
    );

    // ---- switch to English through the header link ----
    // The switch comes back to the page it was asked from, so the address stays.
    click(c, "header.topbar", "English").await;
    text_becomes(c, "h1", "Enterprises").await;
    let kept = element(c, "input[name=q]")
        .await
        .prop("value")
        .await
        .expect("the search box's value");
    assert_eq!(
        kept.as_deref(),
        Some(part.as_str()),
        "the search is kept across the language switch"
    );
    click_link(c, "nav.mainnav", "Hierarchy").await;
    path_becomes(c, "/units").await;
    text_becomes(c, "h1", "Hierarchy").await;
    let english_rows = tree_rows(c).await;
    assert_eq!(english_rows.len(), rows.len(), "the same tree in English");
    element(c, "a.lang").await;
    assert_eq!(
        text_of(c, "a.lang").await,
        "中文",
        "the header offers Chinese back"
    );
}

// ---------------------------------------------------------------- direct reporting

const ANNUAL: &str = "torch_annual";
/// The password of the accounts the reporting walk-through creates.
const REPORTING_PASSWORD: &str = "Report-2025-e2e!";
const FILER: &str = "qiye.tianbao";
const PARK_STAFF: &str = "yanta.tongji";
const ZONE_STAFF: &str = "lanbai.tongji";
const RETURN_REASON: &str = "净利润与财务报表不符，请核实后重报";
const EXPLANATION: &str = "2025年新生产线投产，营业收入翻番";

/// Who and what the reporting walk-through works with.
struct Reporting {
    enterprise: innozone_domain::registry::EnterpriseId,
    enterprise_name: String,
}

/// Both shipped Torch forms, the annual periods 2024 and 2025 open, a filer of an
/// enterprise of 雁滩园区 with last year's filing submitted, a statistician of the park
/// and one of the zone. Everything through the use cases, as the CLI and pages do it.
async fn set_up_reporting(store: &dyn Store) -> Reporting {
    use innozone_app::accounts::{NewAccount, create_account, operator_principal, principal_of};
    use innozone_domain::accounts::{Binding, Password, Role, Username};
    use innozone_domain::reporting::{FilingAction, Form, Period};

    let operator = operator_principal();
    for source in [
        include_str!("../../example/forms/torch_annual.toml"),
        include_str!("../../example/forms/torch_quarterly.toml"),
    ] {
        let form = Form::parse(source).expect("a shipped form parses");
        innozone_app::reporting::install_form(store, &operator, &form.source)
            .await
            .expect("install the form");
    }
    for year in [2024, 2025] {
        innozone_app::reporting::open_period(store, &operator, ANNUAL, Period::Year(year), None)
            .await
            .expect("open the period");
    }
    let hierarchy = store.hierarchy().await.expect("the hierarchy");
    let today = innozone_app::clock::today();
    let tree = hierarchy.as_of(today);
    let zone = hierarchy
        .units()
        .find(|u| u.name_zh == ZONE)
        .expect("the seed zone")
        .id;
    let park = hierarchy
        .units()
        .find(|u| u.name_zh == PARK && tree.is_within(u.id, zone))
        .expect("the seed park")
        .id;
    // An enterprise that has been in the park since before the years it files for.
    let listed = store
        .search_enterprises(&innozone_store::EnterpriseQuery {
            units: Some(vec![park]),
            today: Some(today),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("the park's enterprises");
    let since = time::macros::date!(2024 - 01 - 01);
    let mut chosen = None;
    for e in listed.items {
        let locations = store.enterprise_locations(e.id).await.expect("locations");
        if locations
            .iter()
            .any(|l| l.park == park && l.from <= since && l.until.is_none())
        {
            chosen = Some(e);
            break;
        }
    }
    let enterprise = chosen.expect("an enterprise in the park since before 2024");
    let account = |username: &str, name: &str, role, binding| {
        let username = Username::parse(username).expect("a valid user name");
        NewAccount {
            password: Password::parse(REPORTING_PASSWORD, &username).expect("a valid password"),
            username,
            display_name: name.to_string(),
            role,
            binding,
            must_change_password: false,
        }
    };
    let filer = create_account(
        store,
        innozone_app::accounts::HashPool::shared(),
        &operator,
        &tree,
        account(
            FILER,
            "企业填报员",
            Role::EnterpriseFiler,
            Binding::Enterprise(enterprise.id),
        ),
    )
    .await
    .expect("the filer's account");
    for (username, name, role, unit) in [
        (PARK_STAFF, "园区统计员", Role::ParkStaff, park),
        (ZONE_STAFF, "试验区统计科", Role::ZoneStaff, zone),
    ] {
        create_account(
            store,
            innozone_app::accounts::HashPool::shared(),
            &operator,
            &tree,
            account(username, name, role, Binding::Unit(unit)),
        )
        .await
        .expect("a staff account");
    }
    // Last year's filing, which this year's is compared with.
    let last_year: std::collections::BTreeMap<String, String> = [
        ("employees", "110"),
        ("rd_staff", "28"),
        ("rd_fte", "22"),
        ("revenue", "10000"),
        ("net_profit", "1200"),
        ("taxes_paid", "700"),
        ("total_assets", "28000"),
        ("total_liabilities", "11000"),
        ("rd_expenditure_internal", "1500"),
        ("patents_held", "18"),
        ("invention_patents_held", "5"),
        ("energy_consumption", "320"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    innozone_app::reporting::file(
        store,
        &principal_of(&filer),
        &hierarchy,
        ANNUAL,
        Period::Year(2024),
        enterprise.id,
        &last_year,
        Default::default(),
        FilingAction::Submit,
    )
    .await
    .expect("last year's filing is submitted");
    Reporting {
        enterprise: enterprise.id,
        enterprise_name: enterprise.details.name.clone(),
    }
}

/// Direct reporting from end to end: an enterprise fills in its annual report in the
/// browser and sees its findings appear and go as it types, explains a warning, saves a
/// draft and submits; the park returns it with a reason, the enterprise corrects and
/// resubmits, the park approves, the zone closes the period, and the history shows every
/// step with what changed. A screenshot of the filing page is left in
/// `target/e2e/filing.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_reviews_closes_and_keeps_every_revision_of_a_report() {
    if !Path::new(CHROMIUM).is_file() || !on_path("chromedriver") {
        panic!("{CHROMIUM} or chromedriver is missing; {INSTALL_HINT}");
    }
    let _one = ONE_BROWSER.lock().await;
    let started = Instant::now();
    let temp = tempfile::tempdir().expect("a temporary folder");
    let out = e2e_dir();
    let _ = std::fs::remove_file(out.join("reporting-failure.png"));
    let store = innozone_app::testing::example_registry_store().await;
    let setup = set_up_reporting(store.as_ref()).await;
    let app = TestApp::serve(store.clone()).await;
    let base = app.base.clone();
    eprintln!(
        "app with forms and accounts at {base} after {:?}",
        started.elapsed()
    );

    let profile = temp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).expect("the Chromium profile folder");
    let driver = Chromedriver::start(&out.join("chromedriver-reporting.log"));
    let c = browser(&driver, &profile).await;
    let steps = tokio::spawn(reporting_walk(c.clone(), base, store, setup, out.clone()));
    let outcome = steps.await;
    if outcome.is_err() {
        let _ = screenshot_page(&c, &out.join("reporting-failure.png")).await;
    }
    let _ = c.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    eprintln!("reporting walk-through passed in {:?}", started.elapsed());
}

/// Signs out whoever is signed in (through the header's button) and signs `username` in.
async fn sign_in_as(c: &Client, base: &str, username: &str) {
    if c.find(Locator::Css("header.topbar button.link"))
        .await
        .is_ok()
    {
        element(c, "header.topbar button.link")
            .await
            .click()
            .await
            .expect("sign out");
        path_becomes(c, "/login").await;
    } else {
        c.goto(&format!("{base}/login"))
            .await
            .expect("open the log-in page");
    }
    element(c, "input[name=username]")
        .await
        .send_keys(username)
        .await
        .expect("type the user name");
    element(c, "input[name=password]")
        .await
        .send_keys(REPORTING_PASSWORD)
        .await
        .expect("type the password");
    element(c, "form[action='/login'] button[type=submit]")
        .await
        .click()
        .await
        .expect("submit the log-in");
    wait_for(&format!("{username} to be signed in"), || async move {
        let url = c.current_url().await?;
        Ok((url.path() != "/login").then_some(()))
    })
    .await;
}

/// Waits until htmx has no request under way (the live check answered).
async fn htmx_settled(c: &Client) {
    wait_for("htmx to finish its requests", || async move {
        let busy = c
            .execute(
                "return document.querySelectorAll('.htmx-request').length",
                vec![],
            )
            .await?;
        Ok((busy.as_u64() == Some(0)).then_some(()))
    })
    .await;
}

/// Replaces what a field of the filing form holds with `value`, as typed.
async fn type_value(c: &Client, field: &str, value: &str) {
    let input = element(c, &format!("input[name='v.{field}']")).await;
    input
        .clear()
        .await
        .unwrap_or_else(|e| panic!("clearing {field}: {e}"));
    input
        .send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("typing into {field}: {e}"));
}

/// Whether an element matching `css` is on the page now.
async fn present(c: &Client, css: &str) -> Result<bool, CmdError> {
    Ok(!c.find_all(Locator::Css(css)).await?.is_empty())
}

async fn until_present(c: &Client, css: &str) {
    wait_for(&format!("`{css}` to appear"), || async move {
        Ok(present(c, css).await?.then_some(()))
    })
    .await;
}

async fn until_gone(c: &Client, css: &str) {
    wait_for(&format!("`{css}` to go"), || async move {
        Ok((!present(c, css).await?).then_some(()))
    })
    .await;
}

/// Clicks `css` and waits for the page to be reloaded (htmx's HX-Refresh or HX-Redirect):
/// the old page's body is gone once the new one is there.
async fn click_and_reload(c: &Client, css: &str) {
    c.execute("document.body.dataset.stale = 'yes'", vec![])
        .await
        .expect("mark the page");
    element(c, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking `{css}`: {e}"));
    until_gone(c, "body[data-stale]").await;
}

async fn reporting_walk(
    c: Client,
    base: String,
    store: Arc<dyn Store>,
    setup: Reporting,
    out: PathBuf,
) {
    use innozone_domain::reporting::Period;
    let c = &c;
    let filing_path = format!("/reports/{ANNUAL}/2025/enterprises/{}", setup.enterprise);

    // ---- the enterprise lands on the reports and opens its annual report ----
    sign_in_as(c, &base, FILER).await;
    path_becomes(c, "/").await;
    text_becomes(c, "h1", "工作台").await;
    screenshot_page(c, &out.join("desk-filer.png")).await;
    click(c, "#desk-items", "填报").await;
    path_becomes(c, &filing_path).await;
    text_becomes(c, "#filing-enterprise", &setup.enterprise_name).await;
    text_becomes(c, "#filing-status", "未填报").await;
    text_becomes(c, "tr[data-field='revenue'] td.last-year", "10,000").await;
    text_becomes(c, "tr[data-field='employees'] td.last-year", "110").await;

    // ---- a finding appears beside the field as the values are typed ----
    type_value(c, "employees", "120").await;
    type_value(c, "rd_staff", "300").await;
    until_present(c, "#finding-rd_staff .finding.error[data-rule='A01']").await;
    let finding = text_of(c, "#finding-rd_staff .finding.error[data-rule='A01']").await;
    assert!(
        finding.contains("研究开发人员不能大于年末从业人员"),
        "the A01 finding beside R&D staff: {finding:?}"
    );
    // ---- and goes once corrected ----
    type_value(c, "rd_staff", "30").await;
    until_gone(c, "#finding-rd_staff [data-rule='A01']").await;
    for (field, value) in [
        ("rd_fte", "25"),
        ("net_profit", "1500"),
        ("taxes_paid", "800"),
        ("total_assets", "30000"),
        ("total_liabilities", "12000"),
        ("rd_expenditure_internal", "1800"),
        ("patents_held", "20"),
        ("invention_patents_held", "6"),
        ("energy_consumption", "350"),
        // Twice last year's: a warning that needs an explanation.
        ("revenue", "20000"),
    ] {
        type_value(c, field, value).await;
    }
    until_present(
        c,
        "#finding-revenue .finding.warn[data-rule='A17'] textarea[name='x.A17']",
    )
    .await;
    htmx_settled(c).await;
    let summary = text_of(c, "#filing-summary").await;
    assert!(
        summary.contains("1 条提示须填写说明") && !summary.contains("错误"),
        "one warning left to explain: {summary:?}"
    );
    element(c, "textarea[name='x.A17']")
        .await
        .send_keys(EXPLANATION)
        .await
        .expect("type the explanation");
    // Explained, the filing may be submitted: the summary says so without a reload.
    wait_for("the summary to allow submitting", || async move {
        let text = c
            .find(Locator::Css("#filing-summary"))
            .await?
            .text()
            .await?;
        Ok(text.contains("可以提交").then_some(()))
    })
    .await;
    screenshot_page(c, &out.join("filing.png")).await;

    // ---- save a draft, then submit ----
    click_and_reload(c, "#save-draft").await;
    text_becomes(c, "#filing-done", "草稿已保存。").await;
    text_becomes(c, "#filing-status", "草稿").await;
    let kept = element(c, "textarea[name='x.A17']")
        .await
        .prop("value")
        .await
        .expect("the explanation's text");
    assert_eq!(
        kept.as_deref(),
        Some(EXPLANATION),
        "the draft keeps the explanation"
    );
    click_and_reload(c, "#submit-filing").await;
    text_becomes(c, "#filing-done", "已提交，等待园区审核。").await;
    text_becomes(c, "#filing-status", "已提交待审核").await;
    let filing_id = store
        .filing(ANNUAL, Period::Year(2025), setup.enterprise)
        .await
        .expect("read the filing")
        .expect("the filing is stored")
        .id;
    let row = format!("#review-queue tr[data-filing='{filing_id}']");

    // ---- the park returns it, with a reason ----
    sign_in_as(c, &base, PARK_STAFF).await;
    // The park's desk has the submitted filing waiting for review.
    path_becomes(c, "/").await;
    element(c, "#desk-items .desk-review").await;
    screenshot_page(c, &out.join("desk-park.png")).await;
    // The same desk in English, then back to Chinese for the steps below.
    click(c, "header.topbar", "English").await;
    text_becomes(c, "h1", "My desk").await;
    screenshot_page(c, &out.join("desk-park-en.png")).await;
    click(c, "header.topbar", "中文").await;
    text_becomes(c, "h1", "工作台").await;
    c.goto(&format!("{base}/reports/{ANNUAL}/2025"))
        .await
        .expect("open the period");
    text_becomes(c, "#period-unit", PARK).await;
    until_present(c, &row).await;
    // Without a reason the return is refused, in place.
    element(c, &format!("{row} button[value=return]"))
        .await
        .click()
        .await
        .expect("return without a reason");
    text_becomes(c, &format!("#act-{filing_id} .alert.error"), "请填写理由").await;
    element(c, &format!("{row} input[name=reason]"))
        .await
        .send_keys(RETURN_REASON)
        .await
        .expect("type the reason");
    click_and_reload(c, &format!("{row} button[value=return]")).await;
    until_gone(c, &row).await;

    // ---- the enterprise reads why, corrects and resubmits ----
    sign_in_as(c, &base, FILER).await;
    c.goto(&format!("{base}{filing_path}"))
        .await
        .expect("open the filing");
    text_becomes(c, "#filing-status", "已退回").await;
    let reason = text_of(c, "#return-reason").await;
    assert!(
        reason.contains(RETURN_REASON),
        "the return's reason: {reason:?}"
    );
    type_value(c, "net_profit", "1600").await;
    htmx_settled(c).await;
    click_and_reload(c, "#submit-filing").await;
    text_becomes(c, "#filing-status", "已提交待审核").await;

    // ---- the park approves ----
    sign_in_as(c, &base, PARK_STAFF).await;
    c.goto(&format!("{base}/reports/{ANNUAL}/2025"))
        .await
        .expect("open the period");
    until_present(c, &row).await;
    click_and_reload(c, &format!("{row} button[value=approve]")).await;
    until_gone(c, &row).await;

    // ---- the zone closes the period ----
    sign_in_as(c, &base, ZONE_STAFF).await;
    click_link(c, "nav.mainnav", "统计报表").await;
    click(
        c,
        &format!("#form-{ANNUAL} tr[data-period='2025']"),
        "报送进度与审核",
    )
    .await;
    path_becomes(c, &format!("/reports/{ANNUAL}/2025")).await;
    text_becomes(c, "#period-unit", ZONE).await;
    until_present(c, "#completeness tr.total").await;
    c.execute("document.body.dataset.stale = 'yes'", vec![])
        .await
        .expect("mark the page");
    element(c, "#close-period")
        .await
        .click()
        .await
        .expect("close the period");
    // htmx asks first.
    wait_for("the confirmation to close the period", || async move {
        match c.accept_alert().await {
            Ok(()) => Ok(Some(())),
            Err(e) if e.is_no_such_alert() => Ok(None),
            Err(e) => Err(e),
        }
    })
    .await;
    until_gone(c, "body[data-stale]").await;
    text_becomes(c, "#closed-now", "已关闭本期，锁定报表 1 份。").await;
    until_present(c, "#period-closed").await;
    text_becomes(c, &format!("{row} .badge"), "已审核通过·已锁定").await;
    screenshot_page(c, &out.join("period.png")).await;

    // ---- the history: every step, newest first, with what changed ----
    click_link(c, &row, "修订记录").await;
    path_becomes(c, &format!("/reports/filings/{filing_id}/history")).await;
    let steps = c
        .execute(
            "return [...document.querySelectorAll('#revisions > tbody > tr')].map(r => r.dataset.action)",
            vec![],
        )
        .await
        .expect("read the revisions");
    assert_eq!(
        steps,
        json!([
            "lock",
            "approve",
            "submit",
            "return",
            "submit",
            "save_draft"
        ]),
        "every revision, newest first"
    );
    let first = text_of(c, "#revisions tr[data-revision='1'] table.changes").await;
    assert!(
        first.contains("营业收入") && first.contains("20,000"),
        "the first revision lists the values typed: {first:?}"
    );
    let returned = text_of(c, "#revisions tr[data-revision='3']").await;
    assert!(
        returned.contains(RETURN_REASON),
        "the return's reason: {returned:?}"
    );
    let corrected = text_of(c, "#revisions tr[data-revision='4'] table.changes").await;
    assert!(
        corrected.contains("净利润") && corrected.contains("1,500") && corrected.contains("1,600"),
        "the resubmission changed net profit from 1,500 to 1,600: {corrected:?}"
    );
    assert!(
        !corrected.contains("营业收入"),
        "only what changed is listed: {corrected:?}"
    );
    let explained = text_of(c, "#revisions tr[data-revision='1']").await;
    assert!(
        explained.contains(EXPLANATION),
        "the explanation where it was written, with the draft: {explained:?}"
    );
    screenshot_page(c, &out.join("history.png")).await;

    // ---- the filing itself now reads locked ----
    click_link(c, "nav.crumbs", "火炬统计 企业年报（一套表） · 2025年").await;
    text_becomes(c, "#filing-status", "已审核通过·已锁定").await;
    until_present(c, "#locked-notice").await;
    assert!(
        !present(c, "#submit-filing")
            .await
            .expect("look for the buttons"),
        "a locked filing has no buttons"
    );
}

const MONITORING_STAFF: &str = "lanbai.jiance";

/// The shipped catalogue and targets over two years of annual filings of every
/// enterprise in the survey (all approved), GDP and population of the zone for 2025, and
/// a zone statistician. Returns the number of high-tech enterprises located in 兰州高新区
/// on 31 December 2025, counted here from the data set itself, not by the application.
async fn set_up_monitoring(store: &dyn Store) -> usize {
    use innozone_app::accounts::{NewAccount, create_account, operator_principal};
    use innozone_domain::accounts::{Binding, Password, Role, Username};
    use innozone_domain::registry::Tier;
    use innozone_domain::reporting::{FilingAction, FilingState, Period};
    use innozone_store::NewRevision;

    let operator = operator_principal();
    let dataset = innozone_example::builtin();
    let forms = innozone_example::filings::forms();
    for form in &forms {
        innozone_app::reporting::install_form(store, &operator, &form.source)
            .await
            .expect("install the form");
    }
    let annual = forms
        .iter()
        .find(|f| f.code == ANNUAL)
        .expect("the annual form");
    let codes: Vec<_> = dataset
        .enterprises
        .iter()
        .map(|e| e.draft.credit_code.clone())
        .collect();
    let stored = store
        .stored_enterprises(&codes)
        .await
        .expect("the enterprises");
    for year in [2024, 2025] {
        let period = Period::Year(year);
        innozone_app::reporting::open_period(store, &operator, ANNUAL, period, None)
            .await
            .expect("open the period");
        let mut revisions = Vec::new();
        for (enterprise, values, _) in
            innozone_example::filings::bulk_filings(&dataset, annual, period)
        {
            let submitted = FilingState::new_filing(FilingAction::Submit, false).expect("submit");
            let first = NewRevision {
                form_code: ANNUAL.into(),
                form_version: annual.version,
                period,
                enterprise: stored[&enterprise.draft.credit_code].id,
                after_revision: 0,
                action: FilingAction::Submit,
                state: submitted,
                values: annual
                    .fields
                    .iter()
                    .zip(&values.0)
                    .filter_map(|(f, v)| v.map(|v| (f.code.clone(), v)))
                    .collect(),
                explanations: Default::default(),
                note: None,
                actor: None,
                at: 1_700_000_000,
            };
            let approved = NewRevision {
                after_revision: 1,
                action: FilingAction::Approve,
                state: submitted
                    .after(FilingAction::Approve, None, false)
                    .expect("approve"),
                ..first.clone()
            };
            revisions.push(first);
            revisions.push(approved);
        }
        store
            .record_revisions(
                &revisions,
                &Actor::system(innozone_app::clock::now_unix()),
                &|_| {},
            )
            .await
            .expect("record the filings");
    }
    innozone_app::monitoring::install_catalogue(
        store,
        &operator,
        innozone_example::monitoring::INDICATORS,
    )
    .await
    .expect("install the catalogue");
    innozone_app::monitoring::install_targets(
        store,
        &operator,
        innozone_example::monitoring::TARGETS,
    )
    .await
    .expect("install the targets");
    let hierarchy = store.hierarchy().await.expect("the hierarchy");
    let zone = hierarchy
        .units()
        .find(|u| u.name_zh == ZONE)
        .expect("the seed zone")
        .id;
    innozone_app::monitoring::record_statistics(
        store,
        &operator,
        Period::Year(2025),
        &[
            (zone, "gdp".to_string(), Some(1450.0)),
            (zone, "population".to_string(), Some(560.0)),
        ],
        None,
    )
    .await
    .expect("record the statistics");
    let tree = hierarchy.as_of(innozone_app::clock::today());
    create_account(
        store,
        innozone_app::accounts::HashPool::shared(),
        &operator,
        &tree,
        NewAccount {
            username: Username::parse(MONITORING_STAFF).expect("a valid user name"),
            display_name: "试验区统计监测".to_string(),
            role: Role::ZoneStaff,
            binding: Binding::Unit(zone),
            password: Password::parse(
                REPORTING_PASSWORD,
                &Username::parse(MONITORING_STAFF).unwrap(),
            )
            .expect("a valid password"),
            must_change_password: false,
        },
    )
    .await
    .expect("the statistician's account");

    // 兰州高新区's parks on the day, and the enterprises there holding a high-tech
    // certificate valid on it.
    let day = Period::Year(2025).last_day();
    let district = dataset
        .units
        .iter()
        .find(|u| u.name_zh == DISTRICT)
        .expect("the district")
        .code
        .clone();
    let within = |park: &innozone_domain::registry::UnitCode| {
        *park == district
            || dataset.memberships.iter().any(|m| {
                m.child == *park
                    && m.parent == district
                    && m.from <= day
                    && m.until.is_none_or(|u| day < u)
            })
    };
    dataset
        .enterprises
        .iter()
        .filter(|e| {
            e.locations
                .iter()
                .any(|l| l.from <= day && l.until.is_none_or(|u| day < u) && within(&l.park))
                && e.recognitions
                    .iter()
                    .any(|r| r.tier == Tier::HighTech && r.is_valid_on(day))
        })
        .count()
}

/// Monitoring in the browser: the zone's dashboard draws its charts, an indicator card
/// brings its series forward, a district is reached from the comparison of the units
/// below, its high-tech enterprises are counted as the data set says, the indicator opens
/// up to the enterprises behind it, and the bulletin is there to print. A screenshot of
/// the dashboard is left in `target/e2e/monitoring.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_draws_its_charts_and_drills_down_to_enterprises() {
    if !Path::new(CHROMIUM).is_file() || !on_path("chromedriver") {
        panic!("{CHROMIUM} or chromedriver is missing; {INSTALL_HINT}");
    }
    let _one = ONE_BROWSER.lock().await;
    let temp = tempfile::tempdir().expect("a temporary folder");
    let out = e2e_dir();
    let _ = std::fs::remove_file(out.join("monitoring-failure.png"));
    let store = innozone_app::testing::example_registry_store().await;
    let high_tech_in_district = set_up_monitoring(store.as_ref()).await;
    let app = TestApp::serve(store.clone()).await;
    let base = app.base.clone();
    let profile = temp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).expect("the Chromium profile folder");
    let driver = Chromedriver::start(&out.join("chromedriver-monitoring.log"));
    let c = browser(&driver, &profile).await;
    let steps = tokio::spawn(monitoring_walk(
        c.clone(),
        base,
        out.clone(),
        high_tech_in_district,
    ));
    let outcome = steps.await;
    if outcome.is_err() {
        let _ = screenshot_page(&c, &out.join("monitoring-failure.png")).await;
    }
    let _ = c.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn monitoring_walk(c: Client, base: String, out: PathBuf, high_tech_in_district: usize) {
    let c = &c;
    sign_in_as(c, &base, MONITORING_STAFF).await;
    click_link(c, "nav.mainnav", "统计监测").await;
    path_becomes(c, "/monitoring").await;
    text_becomes(c, "h1", &format!("统计监测 · {ZONE}")).await;
    // ECharts drew the series and the comparison of the districts.
    until_present(c, "#series-chart canvas").await;
    until_present(c, "#children-chart canvas").await;
    let cards = texts(c, ".indicator-card .ic-name").await;
    assert!(cards.len() >= 10, "the indicator cards: {cards:?}");
    screenshot_page(c, &out.join("monitoring.png")).await;

    // A card brings its indicator forward.
    element(
        c,
        "a.indicator-card[data-indicator='high_tech_enterprises']",
    )
    .await
    .click()
    .await
    .expect("click the card");
    text_becomes(c, "#focus h2", "高新技术企业数").await;
    until_present(c, "#series-chart canvas").await;

    // The district, from the table of the units below.
    click_link(c, "#children table", DISTRICT).await;
    text_becomes(c, "h1", &format!("统计监测 · {DISTRICT}")).await;
    let shown = text_of(
        c,
        "a.indicator-card[data-indicator='high_tech_enterprises'] .ic-value",
    )
    .await;
    assert_eq!(
        shown.split_whitespace().next(),
        Some(high_tech_in_district.to_string().as_str()),
        "the district's high-tech enterprises on 31 December 2025"
    );

    // Opened up: the formula and the enterprises behind the number.
    click_link(c, "#focus", "查看明细").await;
    until_present(c, "#formula").await;
    assert_eq!(text_of(c, "#formula").await, "count(high_tech)");
    let rows = texts(c, "#enterprises tbody tr").await;
    assert_eq!(
        rows.len(),
        high_tech_in_district,
        "one row per enterprise counted"
    );

    // Back on the dashboard, the bulletin.
    c.goto(&format!("{base}/monitoring"))
        .await
        .expect("back to the dashboard");
    click_link(c, "form.filters", "监测报告").await;
    until_present(c, "article.bulletin").await;
    let title = text_of(c, ".bulletin-title").await;
    assert!(title.ends_with("统计监测报告"), "{title}");

    // The catalogue as a definition file: a misspelt statistic in a formula is refused
    // with the formula shown and the wrong name marked, and nothing is saved; the version
    // in force is listed with its download.
    c.goto(&format!("{base}/monitoring/catalogue"))
        .await
        .expect("the catalogue");
    until_present(c, "#definition-versions tr[id^='version-']").await;
    c.execute(
        "const t = document.querySelector('textarea[name=source]');\
         t.value = t.value.replace('count(high_tech)', 'count(high_tec)');",
        vec![],
    )
    .await
    .expect("edit the catalogue");
    element(c, "#catalogue-check")
        .await
        .click()
        .await
        .expect("check the catalogue");
    until_present(c, "#check-error").await;
    assert_eq!(text_of(c, "#error-place mark").await, "high_tec");
    let message = text_of(c, "#check-error").await;
    assert!(message.contains("未保存任何内容"), "{message}");
    screenshot_page(c, &out.join("catalogue-check.png")).await;
}

/// The zone's evaluation officer of the evaluation walk-through.
const EVALUATION_STAFF: &str = "lanbai.kaohe";

/// A zone evaluation officer in the whole example (filings, monitoring, and the park
/// evaluation of 2015–2020).
async fn set_up_evaluation(store: &dyn Store) {
    use innozone_app::accounts::{NewAccount, create_account, operator_principal};
    use innozone_domain::accounts::{Binding, Password, Role, Username};

    let hierarchy = store.hierarchy().await.expect("the hierarchy");
    let zone = hierarchy
        .units()
        .find(|u| u.name_zh == ZONE)
        .expect("the seed zone")
        .id;
    create_account(
        store,
        innozone_app::accounts::HashPool::shared(),
        &operator_principal(),
        &hierarchy.as_of(innozone_app::clock::today()),
        NewAccount {
            username: Username::parse(EVALUATION_STAFF).expect("a valid user name"),
            display_name: "试验区考核评价".to_string(),
            role: Role::ZoneStaff,
            binding: Binding::Unit(zone),
            password: Password::parse(
                REPORTING_PASSWORD,
                &Username::parse(EVALUATION_STAFF).unwrap(),
            )
            .expect("a valid password"),
            must_change_password: false,
        },
    )
    .await
    .expect("the evaluation officer's account");
}

/// Evaluation in the browser: the 2018 run draws its ranking, where 石化产业园区 is 不合格
/// and flagged for revocation (the example's lagging park); the robustness of the ranks
/// loads into the page with its interval chart; the park's profile opens with its radar
/// and its record. Screenshots of the run and of the profile are left in
/// `target/e2e/evaluation.png` and `evaluation-profile.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_evaluation_draws_its_ranking_and_opens_a_parks_profile() {
    if !Path::new(CHROMIUM).is_file() || !on_path("chromedriver") {
        panic!("{CHROMIUM} or chromedriver is missing; {INSTALL_HINT}");
    }
    let _one = ONE_BROWSER.lock().await;
    let temp = tempfile::tempdir().expect("a temporary folder");
    let out = e2e_dir();
    let _ = std::fs::remove_file(out.join("evaluation-failure.png"));
    // The whole example as `innozone example` loads it.
    let store = innozone_app::testing::example_store().await;
    set_up_evaluation(store.as_ref()).await;
    let app = TestApp::serve(store.clone()).await;
    let base = app.base.clone();
    let profile = temp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).expect("the Chromium profile folder");
    let driver = Chromedriver::start(&out.join("chromedriver-evaluation.log"));
    let c = browser(&driver, &profile).await;
    let steps = tokio::spawn(evaluation_walk(c.clone(), base, out.clone()));
    let outcome = steps.await;
    if outcome.is_err() {
        let _ = screenshot_page(&c, &out.join("evaluation-failure.png")).await;
    }
    let _ = c.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// The park the example designs to be 不合格 in 2017 and 2018 (LB-XQ-SH).
const LAGGING_PARK: &str = "石化产业园区";

async fn evaluation_walk(c: Client, base: String, out: PathBuf) {
    let c = &c;
    sign_in_as(c, &base, EVALUATION_STAFF).await;
    click_link(c, "nav.mainnav", "考核评价").await;
    path_becomes(c, "/evaluation").await;
    text_becomes(c, "h1", "考核评价").await;
    click_link(c, "section.scheme-runs", "2018年").await;
    until_present(c, "#ranking-chart canvas").await;
    let row = "#ranking-table tr[data-unit='LB-XQ-SH']";
    assert_eq!(text_of(c, &format!("{row} td.grade")).await, "不合格");
    assert!(
        text_of(c, &format!("{row} td.flags"))
            .await
            .contains("报请撤销资格")
    );
    // The chart holds a bar per park ranked, as the table has rows.
    let bars = c
        .execute(
            "const chart = echarts.getInstanceByDom(document.getElementById('ranking-chart'));
             return chart.getOption().series[0].data.length;",
            vec![],
        )
        .await
        .expect("read the ranking chart");
    let ranked = texts(c, "#ranking-table tr.rank-row:not(.excluded)").await;
    assert_eq!(bars.as_u64(), Some(ranked.len() as u64));
    screenshot_page(c, &out.join("evaluation.png")).await;

    // The robustness of the ranks, loaded into the page: the intervals drawn by the
    // chart glue's own drawing, the three groups of choices in the table.
    element(c, "#robustness-load")
        .await
        .click()
        .await
        .expect("ask for the robustness");
    // Thousands of re-scorings: longer than a page takes, so a longer wait.
    let asked = Instant::now();
    while !present(c, "#rank-interval-chart canvas")
        .await
        .unwrap_or(false)
    {
        assert!(
            asked.elapsed() < PATIENCE * 6,
            "the robustness did not load in {:?}",
            PATIENCE * 6
        );
        tokio::time::sleep(POLL).await;
    }
    let drawn = c
        .execute(
            "const el = document.getElementById('rank-interval-chart');
             const s = echarts.getInstanceByDom(el).getOption().series[0];
             return !el.hasAttribute('data-chart-error') && s.type === 'custom' && typeof s.renderItem === 'function';",
            vec![],
        )
        .await
        .expect("read the interval chart");
    assert_eq!(drawn.as_bool(), Some(true));
    let choices = texts(c, "#sensitivity tbody td:first-child").await;
    assert_eq!(choices, ["权重", "汇总方法", "标准化方法"]);

    // The park's profile, from the ranking table (brought out from under the sticky
    // header first).
    c.execute(
        "document.querySelector(\"#ranking-table tr[data-unit='LB-XQ-SH'] a\").scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .expect("scroll to the park");
    click_link(c, "#ranking-table", LAGGING_PARK).await;
    text_becomes(c, "h1", LAGGING_PARK).await;
    until_present(c, "#radar-chart canvas").await;
    until_present(c, "#trend-chart canvas").await;
    assert_eq!(text_of(c, "#profile-grade").await, "不合格");
    let years = texts(c, "#record tbody tr td:first-child").await;
    assert_eq!(years, ["2015", "2016", "2017", "2018"]);
    screenshot_page(c, &out.join("evaluation-profile.png")).await;
}

/// The zone's cultivation officer of the cultivation walk-through.
const CULTIVATION_STAFF: &str = "lanbai.peiyu";

/// A zone cultivation officer in the whole example (filings, the recognitions of every
/// tier derived from them, the catalogue and targets). Returns the code of the seed's park [`PARK`] and the number of
/// its high-tech enterprises on 31 December 2025, counted from the data set itself.
async fn set_up_cultivation(store: &dyn Store) -> (String, usize) {
    use innozone_app::accounts::{NewAccount, create_account, operator_principal};
    use innozone_domain::accounts::{Binding, Password, Role, Username};
    use innozone_domain::registry::Tier;
    use innozone_domain::reporting::Period;

    let dataset = innozone_example::builtin();
    let hierarchy = store.hierarchy().await.expect("the hierarchy");
    let zone = hierarchy
        .units()
        .find(|u| u.name_zh == ZONE)
        .expect("the seed zone")
        .id;
    create_account(
        store,
        innozone_app::accounts::HashPool::shared(),
        &operator_principal(),
        &hierarchy.as_of(innozone_app::clock::today()),
        NewAccount {
            username: Username::parse(CULTIVATION_STAFF).expect("a valid user name"),
            display_name: "试验区梯度培育".to_string(),
            role: Role::ZoneStaff,
            binding: Binding::Unit(zone),
            password: Password::parse(
                REPORTING_PASSWORD,
                &Username::parse(CULTIVATION_STAFF).unwrap(),
            )
            .expect("a valid password"),
            must_change_password: false,
        },
    )
    .await
    .expect("the cultivation officer's account");

    // The park's high-tech enterprises at the end of 2025, from the data set.
    let park = dataset
        .units
        .iter()
        .find(|u| u.name_zh == PARK)
        .expect("the seed park")
        .code
        .clone();
    let day = Period::Year(2025).last_day();
    let high_tech = dataset
        .enterprises
        .iter()
        .filter(|e| {
            e.locations
                .iter()
                .any(|l| l.from <= day && l.until.is_none_or(|u| day < u) && l.park == park)
                && e.recognitions
                    .iter()
                    .any(|r| r.tier == Tier::HighTech && r.is_valid_on(day))
        })
        .count();
    (park.to_string(), high_tech)
}

/// Enterprise cultivation in the browser: the zone's pool of 2014–2025 draws its stacked
/// bars and has a row a year; the unit picker opens the pool of the seed's park
/// (雁滩园区), whose high-tech count of 2025 is the data set's; the high-tech candidate
/// list shows its criteria in words and offers itself as xlsx. A screenshot of the pool
/// is left in `target/e2e/cultivation-pool.png`, of the list in
/// `target/e2e/cultivation-candidates.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_draws_its_chart_and_picks_a_park_and_the_candidates_show_their_criteria() {
    if !Path::new(CHROMIUM).is_file() || !on_path("chromedriver") {
        panic!("{CHROMIUM} or chromedriver is missing; {INSTALL_HINT}");
    }
    let _one = ONE_BROWSER.lock().await;
    let temp = tempfile::tempdir().expect("a temporary folder");
    let out = e2e_dir();
    let _ = std::fs::remove_file(out.join("cultivation-failure.png"));
    // The whole example as `innozone example` loads it.
    let store = innozone_app::testing::example_store().await;
    let (park, high_tech) = set_up_cultivation(store.as_ref()).await;
    let app = TestApp::serve(store.clone()).await;
    let base = app.base.clone();
    let profile = temp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).expect("the Chromium profile folder");
    let driver = Chromedriver::start(&out.join("chromedriver-cultivation.log"));
    let c = browser(&driver, &profile).await;
    let steps = tokio::spawn(cultivation_walk(
        c.clone(),
        base,
        out.clone(),
        park,
        high_tech,
    ));
    let outcome = steps.await;
    if outcome.is_err() {
        let _ = screenshot_page(&c, &out.join("cultivation-failure.png")).await;
    }
    let _ = c.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Waits until ECharts has drawn into the chart `css`: a canvas or an svg of non-zero
/// size inside it.
async fn chart_drawn(c: &Client, css: &str) {
    let script = format!(
        "const el = document.querySelector({css:?});
         const drawn = el && el.querySelector('canvas, svg');
         if (!drawn) return 0;
         const box = drawn.getBoundingClientRect();
         return box.width * box.height;"
    );
    wait_for(&format!("the chart `{css}` to be drawn"), || {
        let script = script.clone();
        async move {
            let area = c.execute(&script, vec![]).await?;
            Ok((area.as_f64().unwrap_or(0.0) > 0.0).then_some(()))
        }
    })
    .await;
}

/// The years of the rows of the pool's table of counts.
async fn pool_years(c: &Client) -> Vec<i32> {
    let years = texts(c, "#pool-counts tbody tr td:first-child").await;
    years
        .iter()
        .map(|y| y.parse().unwrap_or_else(|_| panic!("a year: {y:?}")))
        .collect()
}

async fn cultivation_walk(c: Client, base: String, out: PathBuf, park: String, high_tech: usize) {
    use innozone_domain::registry::Tier;

    let c = &c;
    sign_in_as(c, &base, CULTIVATION_STAFF).await;
    c.goto(&format!(
        "{base}/cultivation/pool?unit=LB&from=2014&to=2025"
    ))
    .await
    .expect("open the pool");
    text_becomes(c, "h1", &format!("培育库 · {ZONE} · 2014–2025")).await;
    chart_drawn(c, "#pool-chart").await;
    assert_eq!(pool_years(c).await, (2014..=2025).collect::<Vec<_>>());
    // The picker offers the zone, its districts and its parks, the zone chosen.
    let picked = c
        .execute(
            "const s = document.querySelector('select[name=unit]');
             return [s.value, s.options.length];",
            vec![],
        )
        .await
        .expect("read the unit picker");
    assert_eq!(picked[0].as_str(), Some("LB"));
    assert!(
        picked[1].as_u64().unwrap_or(0) > 1 + DISTRICTS.len() as u64,
        "the zone, its districts and parks: {picked}"
    );
    screenshot_page(c, &out.join("cultivation-pool.png")).await;

    // The park, chosen in the picker: its own pool over the same years.
    element(c, "select[name=unit]")
        .await
        .select_by_value(&park)
        .await
        .expect("choose the park");
    element(c, "form[action='/cultivation/pool'] button[type=submit]")
        .await
        .click()
        .await
        .expect("show the park's pool");
    text_becomes(c, "h1", &format!("培育库 · {PARK} · 2014–2025")).await;
    let url = c.current_url().await.expect("the URL");
    assert!(
        url.query_pairs().any(|(k, v)| k == "unit" && v == park),
        "{url}"
    );
    chart_drawn(c, "#pool-chart").await;
    assert_eq!(pool_years(c).await, (2014..=2025).collect::<Vec<_>>());
    let column = 2 + Tier::ALL
        .iter()
        .position(|t| *t == Tier::HighTech)
        .expect("high-tech is a tier");
    let shown = text_of(
        c,
        &format!("#pool-counts tr[data-year='2025'] td:nth-child({column})"),
    )
    .await;
    assert_eq!(
        shown.split_whitespace().next(),
        Some(high_tech.to_string().as_str()),
        "the park's high-tech enterprises at the end of 2025"
    );

    // The high-tech candidates of 2023: criteria in words, and the list as xlsx.
    c.goto(&format!(
        "{base}/cultivation/candidates?tier=high_tech&year=2023&distance=0.2"
    ))
    .await
    .expect("open the candidates");
    text_becomes(c, "h1", "培育对象名单 · 高新技术企业 · 2023").await;
    let headers = texts(c, "#candidates thead th").await;
    let rows = texts(c, "#candidates tbody tr").await;
    assert!(!rows.is_empty(), "high-tech candidates in 2023");
    // Name, credit code, park, status and gap, then one column per criterion, each cell
    // the criterion's result in words (or left to review).
    let criteria = &headers[5..];
    assert!(!criteria.is_empty(), "the criteria columns: {headers:?}");
    let cells = texts(c, "#candidates tbody tr:first-child td").await;
    for (header, cell) in criteria.iter().zip(&cells[5..]) {
        assert!(
            cell.starts_with(header.as_str()) || cell == "待审核",
            "{header}: {cell}"
        );
    }
    assert!(
        cells[5..].iter().any(|c| c.contains("需")),
        "a criterion with its threshold: {cells:?}"
    );
    let href = element(c, "#list-download")
        .await
        .attr("href")
        .await
        .expect("the download link")
        .expect("an href");
    let link = c
        .current_url()
        .await
        .expect("the URL")
        .join(&href)
        .expect("a link on the site");
    assert_eq!(link.path(), "/cultivation/candidates.xlsx");
    assert!(
        link.query_pairs()
            .any(|(k, v)| k == "tier" && v == "high_tech"),
        "{link}"
    );
    screenshot_page(c, &out.join("cultivation-candidates.png")).await;
}
