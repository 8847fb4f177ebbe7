//! End to end in a real browser: headless Chromium driven through WebDriver (fantoccini →
//! chromedriver) against the whole application served in-process over the built-in
//! example. It logs in, changes the one-time password, opens the tree, clicks through to a
//! district, a park and an enterprise, searches the enterprise list and switches the
//! language, checking what is shown against the seed the example comes from
//! (/work/shared/seeds/001_eb578331d50d6cdf.txt, 兰白科技创新改革试验区发展规划 2015—2020).
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

const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL_HINT: &str = "the browser test needs Debian's chromium and chromium-driver: run `scripts/install-browser` (as root, or with sudo) and run the test again";

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

async fn start_app(dir: &Path) -> (String, String, String, tokio::sync::oneshot::Sender<()>) {
    let database = dir.join("e2e.sqlite");
    let store: Arc<dyn Store> =
        innozone_store_sql::connect(database.to_str().expect("a UTF-8 temporary path"))
            .await
            .expect("open the SQLite store");
    let dataset = innozone_example::builtin();
    store
        .load_dataset(&dataset, &Actor::system(), &|_| {})
        .await
        .expect("load the built-in example");
    let admin = innozone_app::example::ensure_administrator(store.as_ref())
        .await
        .expect("create the administrator")
        .expect("a fresh store has no user yet");
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind the app");
    let base = format!(
        "http://{}",
        listener.local_addr().expect("the app's address")
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = innozone_web::AppState::new(store);
    tokio::spawn(async move {
        innozone_web::serve(listener, state, async move {
            let _ = stopped.await;
        })
        .await
        .expect("the app serves");
    });
    (base, admin.username, admin.password, stop)
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
    let started = Instant::now();
    let temp = tempfile::tempdir().expect("a temporary folder");
    let out = e2e_dir();
    // A picture of an earlier failure would mislead.
    let _ = std::fs::remove_file(out.join("failure.png"));
    let (base, username, password, stop) = start_app(temp.path()).await;
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
    let _ = stop.send(());
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
    // Saved: htmx follows HX-Redirect to the start page, which is now the tree.
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
