//! The commands. Each one opens the store, acts as the command-line operator (an
//! administrator without an account, recorded as `cli` in the audit log) and reports.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use innozone_app::accounts::{HashPool, NewAccount, operator_principal};
use innozone_app::clock::{format_unix, today};
use innozone_app::example::{ExampleProgress, ExampleStep, load_if_empty};
use innozone_app::limits::Limits;
use innozone_app::registry::{self, ImportReport};
use innozone_domain::accounts::{Binding, Password, Role, Username};
use innozone_example::Scale;
use innozone_exchange::FileFormat;
use innozone_i18n::Lang;
use innozone_store::{Store, UserUpdate};

use crate::output::{Failure, bar, spinner};
use crate::{Cli, Command, ExampleScale, Registry, UserAction};
use indicatif::ProgressBar;

pub(crate) async fn open(database: &str, lang: Lang) -> Result<Arc<dyn Store>, Failure> {
    if !database.starts_with("postgres://")
        && !database.starts_with("postgresql://")
        && let Some(parent) = std::path::Path::new(database)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            Failure::Io(lang.t_with(
                "cli.cannot_create",
                &[
                    ("path", parent.display().to_string()),
                    ("reason", e.to_string()),
                ],
            ))
        })?;
    }
    Ok(innozone_store_sql::connect(database).await?)
}

pub async fn run(cli: Cli, lang: Lang) -> Result<(), Failure> {
    let limits = cli.limits.limits();
    match cli.command {
        Command::Serve {
            listen,
            no_example,
            secure_cookies,
            read_audit_days,
            behind_proxy,
            monitor_memory,
        } => {
            let options = ServeOptions {
                example: !no_example,
                secure_cookies,
                behind_proxy,
                read_audit_days,
                limits,
                monitor_budget: monitor_memory.saturating_mul(1024 * 1024),
            };
            serve(&cli.database, lang, &listen, options).await
        }
        Command::Import {
            what,
            file,
            dry_run,
        } => import(&cli.database, lang, &limits, what, &file, dry_run).await,
        Command::Export { what, file } => export(&cli.database, lang, what, &file).await,
        Command::Template { what, file } => template(lang, what, &file),
        Command::User { action } => user(&cli.database, lang, action).await,
        Command::Example { scale } => example(&cli.database, lang, scale).await,
        Command::Form { action } => crate::reporting::form(&cli.database, lang, action).await,
        Command::Filings { action } => {
            crate::reporting::filings(&cli.database, lang, &limits, action).await
        }
        Command::Indicators { action } => {
            crate::monitoring::indicators(&cli.database, lang, action).await
        }
        Command::Targets { action } => {
            crate::monitoring::targets(&cli.database, lang, action).await
        }
        Command::Evaluation { action } => {
            crate::evaluation_runs::evaluation(&cli.database, lang, action).await
        }
        Command::Statistics { action } => {
            crate::monitoring::statistics(&cli.database, lang, &limits, action).await
        }
        Command::Evaluate {
            scheme,
            data,
            out,
            period,
        } => crate::evaluation::evaluate(lang, &limits, &scheme, &data, &out, period.as_deref()),
        Command::Report { action } => crate::reports::report(&cli.database, lang, action).await,
    }
}

fn scale_of(scale: ExampleScale) -> Scale {
    match scale {
        ExampleScale::Builtin => Scale::Builtin,
        ExampleScale::Province => Scale::Province,
        ExampleScale::National => Scale::National,
    }
}

/// Shows the example's loading steps: a bar for generating and saving the registry, a
/// spinner for each area after it; remembers how long generating took.
struct ExampleBars {
    lang: Lang,
    started: Instant,
    current: Mutex<Option<ProgressBar>>,
    generated: Mutex<Option<Duration>>,
}

impl ExampleProgress for ExampleBars {
    fn started(&self, step: ExampleStep, expected: Option<u64>) {
        let lang = self.lang;
        let shown = match step {
            ExampleStep::Generating => Some(bar(
                expected.unwrap_or_default(),
                lang.t("cli.example.generating"),
            )),
            ExampleStep::Loading => Some(bar(
                expected.unwrap_or_default(),
                lang.t("cli.example.loading"),
            )),
            ExampleStep::Filings => Some(spinner(lang.t("cli.example.filings"))),
            ExampleStep::Recognitions => Some(spinner(lang.t("cli.example.recognising"))),
            ExampleStep::Evaluation => Some(spinner(lang.t("cli.example.evaluating"))),
            ExampleStep::Monitoring => None,
        };
        *self.current.lock().expect("not poisoned") = shown;
    }

    fn advanced(&self, step: ExampleStep, done: u64) {
        let current = self.current.lock().expect("not poisoned");
        let Some(shown) = current.as_ref() else {
            return;
        };
        match step {
            ExampleStep::Filings => {
                shown.set_message(format!("{} {done}", self.lang.t("cli.example.filings")))
            }
            _ => shown.set_position(done),
        }
    }

    fn finished(&self, step: ExampleStep) {
        if let Some(shown) = self.current.lock().expect("not poisoned").take() {
            shown.finish_and_clear();
        }
        if step == ExampleStep::Generating {
            *self.generated.lock().expect("not poisoned") = Some(self.started.elapsed());
        }
    }
}

/// Loads the example through the app's loader, with progress bars, and says what was
/// loaded; returns false if the store was not empty.
/// With `areas`, the example's forms and filings, recognitions, monitoring and evaluation
/// are loaded too.
pub(crate) async fn load_example(
    store: &dyn Store,
    lang: Lang,
    scale: Scale,
    areas: bool,
) -> Result<bool, Failure> {
    let bars = ExampleBars {
        lang,
        started: Instant::now(),
        current: Mutex::new(None),
        generated: Mutex::new(None),
    };
    let Some(loaded) = load_if_empty(store, scale, areas, &bars).await? else {
        return Ok(false);
    };
    if let Some(c) = loaded.cultivation {
        println!(
            "{}",
            lang.t_with(
                "cli.example.recognitions_loaded",
                &[("recognitions", c.recognitions.to_string())]
            )
        );
    }
    if let Some(m) = loaded.monitoring {
        println!(
            "{}",
            lang.t_with(
                "cli.example.monitoring_loaded",
                &[
                    ("indicators", m.indicators.to_string()),
                    ("targets", m.targets.to_string()),
                    ("statistics", m.statistics.to_string()),
                ]
            )
        );
    }
    if let Some(e) = loaded.evaluation {
        println!(
            "{}",
            lang.t_with(
                "cli.example.evaluation_loaded",
                &[
                    ("schemes", e.schemes.to_string()),
                    ("inputs", e.inputs.to_string()),
                    ("runs", e.runs.to_string()),
                ]
            )
        );
    }
    if let Some(r) = loaded.reporting {
        println!(
            "{}",
            lang.t_with(
                "cli.example.filings_loaded",
                &[
                    ("forms", r.forms.to_string()),
                    ("periods", r.periods.to_string()),
                    ("filings", r.filings.to_string()),
                    ("revisions", r.recorded.to_string()),
                ]
            )
        );
    }
    let generated = bars
        .generated
        .lock()
        .expect("not poisoned")
        .unwrap_or_default();
    println!(
        "{}",
        lang.t_with(
            "cli.example.loaded",
            &[
                ("units", loaded.units.to_string()),
                ("enterprises", loaded.registry.created.to_string()),
                ("generate", format!("{:.1}", generated.as_secs_f64())),
                (
                    "total",
                    format!("{:.1}", bars.started.elapsed().as_secs_f64())
                ),
            ]
        )
    );
    Ok(true)
}

/// How `innozone serve` runs, beside its database and address.
struct ServeOptions {
    /// Load the built-in example into an empty store.
    example: bool,
    secure_cookies: bool,
    behind_proxy: bool,
    /// Days the read audit is kept.
    read_audit_days: u32,
    limits: Limits,
    /// Bytes of monitoring facts and indicators kept between requests at most.
    monitor_budget: usize,
}

async fn serve(
    database: &str,
    lang: Lang,
    listen: &str,
    options: ServeOptions,
) -> Result<(), Failure> {
    let store = open(database, lang).await?;
    if options.example {
        load_example(&*store, lang, Scale::Builtin, true).await?;
    }
    tokio::spawn(innozone_app::audit::keep_pruning_reads(
        store.clone(),
        options.read_audit_days,
    ));
    let mut state = innozone_web::AppState::keeping(store.clone(), options.monitor_budget)
        .with_limits(options.limits);
    state.secure_cookies = options.secure_cookies;
    state.behind_proxy = options.behind_proxy;
    // The server's own pool hashes the first administrator's password too: no other
    // password threads are started in the server.
    let admin = innozone_app::example::ensure_administrator(&*store, state.hashes()).await?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        Failure::Io(lang.t_with(
            "cli.cannot_listen",
            &[("address", listen.to_string()), ("reason", e.to_string())],
        ))
    })?;
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| listen.to_string());
    println!(
        "{}",
        lang.t_with(
            "cli.serve.listening",
            &[
                ("url", format!("http://{address}/")),
                ("database", database.to_string())
            ]
        )
    );
    match admin {
        Some(a) => println!(
            "{}",
            lang.t_with(
                "cli.serve.admin",
                &[("username", a.username), ("password", a.password)]
            )
        ),
        None => println!("{}", lang.t("cli.serve.admin_exists")),
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    innozone_web::serve(listener, state, shutdown)
        .await
        .map_err(|e| Failure::Io(e.to_string()))
}

/// A data file to import, refused unread when it is larger than an upload may be (the
/// file is read whole).
pub(crate) fn read_data_file(
    path: &std::path::Path,
    lang: Lang,
    limits: &Limits,
) -> Result<Vec<u8>, Failure> {
    let cannot_read = |e: std::io::Error| {
        Failure::Io(lang.t_with(
            "cli.cannot_read",
            &[
                ("path", path.display().to_string()),
                ("reason", e.to_string()),
            ],
        ))
    };
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    let too_large = |size: u64| {
        Failure::Input(lang.t_with(
            "cli.file_too_large",
            &[
                ("path", path.display().to_string()),
                ("size", innozone_exchange::megabytes(size)),
                ("limit", innozone_exchange::megabytes(limits.upload_bytes)),
            ],
        ))
    };
    if size > limits.upload_bytes {
        return Err(too_large(size));
    }
    // A file that grows while it is read (or a device that says nothing of its size)
    // stops at the limit all the same.
    let mut bytes = Vec::with_capacity(size as usize);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, limits.upload_bytes + 1),
        &mut bytes,
    )
    .map_err(cannot_read)?;
    if bytes.len() as u64 > limits.upload_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

pub(crate) fn format_of(path: &std::path::Path, lang: Lang) -> Result<FileFormat, Failure> {
    FileFormat::from_path(path).ok_or_else(|| {
        Failure::Input(lang.t_with(
            "cli.unknown_format",
            &[("path", path.display().to_string())],
        ))
    })
}

async fn import(
    database: &str,
    lang: Lang,
    limits: &Limits,
    what: Registry,
    file: &std::path::Path,
    dry_run: bool,
) -> Result<(), Failure> {
    let bytes = read_data_file(file, lang, limits)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let store = open(database, lang).await?;
    let s = spinner(lang.t_with("cli.import.working", &[("file", name.clone())]));
    let table = registry::read_upload(&name, &bytes, &limits.read);
    let principal = operator_principal();
    let result = match table {
        Ok(table) => match what {
            Registry::Units => {
                registry::import_units(&*store, &principal, &table, dry_run, today()).await
            }
            Registry::Enterprises => {
                registry::import_enterprises(&*store, &principal, &table, dry_run, today()).await
            }
            Registry::Recognitions => {
                innozone_app::cultivation::recognitions::import_recognitions(
                    &*store,
                    &principal,
                    &table,
                    dry_run,
                    today(),
                )
                .await
            }
        },
        Err(e) => Err(e),
    };
    s.finish_and_clear();
    let ImportReport {
        dry_run,
        rows,
        summary,
    } = result?;
    let key = if dry_run {
        "cli.import.checked"
    } else {
        "cli.import.done"
    };
    println!(
        "{}",
        lang.t_with(
            key,
            &[
                ("file", name),
                ("rows", rows.to_string()),
                ("created", summary.created.to_string()),
                ("updated", summary.updated.to_string()),
                ("moved", summary.moved.to_string()),
                ("unchanged", summary.unchanged.to_string()),
            ]
        )
    );
    Ok(())
}

async fn export(
    database: &str,
    lang: Lang,
    what: Registry,
    file: &std::path::Path,
) -> Result<(), Failure> {
    let format = format_of(file, lang)?;
    if matches!(what, Registry::Recognitions) {
        return Err(Failure::Input(lang.t("cli.export.no_recognitions")));
    }
    let store = open(database, lang).await?;
    let s = spinner(lang.t_with(
        "cli.export.working",
        &[("file", file.display().to_string())],
    ));
    let hierarchy = registry::registry_hierarchy(&*store).await?;
    let principal = operator_principal();
    let sheet = match what {
        Registry::Units => registry::units_sheet(&principal, &hierarchy, today()),
        Registry::Enterprises => {
            registry::enterprises_sheet(
                &*store,
                &principal,
                &hierarchy,
                Default::default(),
                None,
                today(),
            )
            .await?
        }
        Registry::Recognitions => return Err(Failure::Input(lang.t("cli.export.no_recognitions"))),
    };
    let bytes = registry::sheet_bytes(&sheet, format)?;
    write_atomically(file, &bytes, lang)?;
    s.finish_and_clear();
    println!(
        "{}",
        lang.t_with(
            "cli.export.done",
            &[
                ("file", file.display().to_string()),
                ("rows", sheet.rows.len().to_string())
            ]
        )
    );
    Ok(())
}

/// Writes to a temporary file beside the target and renames it, so that an interrupted
/// export never leaves a half-written file under the target's name.
pub(crate) fn write_atomically(
    path: &std::path::Path,
    bytes: &[u8],
    lang: Lang,
) -> Result<(), Failure> {
    let io = |e: std::io::Error| {
        Failure::Io(lang.t_with(
            "cli.cannot_write",
            &[
                ("path", path.display().to_string()),
                ("reason", e.to_string()),
            ],
        ))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let tmp = path.with_extension(format!(
        "{}.part",
        path.extension().and_then(|e| e.to_str()).unwrap_or("tmp")
    ));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

fn template(lang: Lang, what: Registry, file: &std::path::Path) -> Result<(), Failure> {
    let bytes = match what {
        Registry::Units => registry::unit_template()?,
        Registry::Enterprises => registry::enterprise_template()?,
        Registry::Recognitions => innozone_app::cultivation::recognitions::recognition_template()?,
    };
    write_atomically(file, &bytes, lang)?;
    println!(
        "{}",
        lang.t_with("cli.template.done", &[("file", file.display().to_string())])
    );
    Ok(())
}

async fn find_user(
    store: &dyn Store,
    username: &str,
) -> Result<innozone_store::UserRecord, Failure> {
    let name = Username::parse(username).map_err(|e| Failure::App(e.into()))?;
    Ok(innozone_app::accounts::account_by_username(store, &name).await?)
}

async fn user(database: &str, lang: Lang, action: UserAction) -> Result<(), Failure> {
    let store = open(database, lang).await?;
    let operator = operator_principal();
    let hierarchy = registry::registry_hierarchy(&*store).await?;
    let tree = hierarchy.as_of(today());
    match action {
        UserAction::Add {
            username,
            role,
            name,
            unit,
            enterprise,
            password_stdin,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                Failure::Input(
                    lang.t_with(
                        "cli.user.unknown_role",
                        &[
                            ("role", role.clone()),
                            (
                                "roles",
                                Role::ALL
                                    .iter()
                                    .map(|r| r.code())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ),
                        ],
                    ),
                )
            })?;
            let binding = innozone_app::accounts::resolve_binding(
                &*store,
                &hierarchy,
                role,
                unit.as_deref(),
                enterprise.as_deref(),
            )
            .await?;
            let username = Username::parse(&username).map_err(|e| Failure::App(e.into()))?;
            let (password, shown) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| Failure::Io(e.to_string()))?;
                (
                    Password::parse(line.trim_end_matches(['\n', '\r']), &username)
                        .map_err(|e| Failure::App(e.into()))?,
                    None,
                )
            } else {
                let p = innozone_app::accounts::generate_password(&username);
                let shown = p.expose().to_string();
                (p, Some(shown))
            };
            let account = NewAccount {
                display_name: name.unwrap_or_else(|| username.to_string()),
                username,
                role,
                binding,
                password,
                must_change_password: shown.is_some(),
            };
            let created = innozone_app::accounts::create_account(
                &*store,
                HashPool::shared(),
                &operator,
                &tree,
                account,
            )
            .await?;
            println!(
                "{}",
                lang.t_with(
                    "cli.user.created",
                    &[("username", created.username.to_string())]
                )
            );
            if let Some(p) = shown {
                println!("{}", lang.t_with("cli.user.password", &[("password", p)]));
            }
        }
        UserAction::List => {
            // The operator is an administrator, who manages every account.
            for account in
                innozone_app::accounts::managed_accounts(&*store, &operator, &tree).await?
            {
                let u = account.user;
                let node = match u.binding {
                    Binding::Everything => "*".to_string(),
                    Binding::Unit(id) => hierarchy
                        .unit(id)
                        .map(|u| u.code.to_string())
                        .unwrap_or_else(|| id.to_string()),
                    Binding::Enterprise(id) => account
                        .enterprise
                        .map(|e| e.credit_code.to_string())
                        .unwrap_or_else(|| id.to_string()),
                };
                let state = if !u.active {
                    lang.t("users.inactive")
                } else if u
                    .locked_until
                    .is_some_and(|l| l > innozone_app::clock::now_unix())
                {
                    lang.t_with(
                        "cli.user.locked_until",
                        &[("until", format_unix(u.locked_until.unwrap_or_default()))],
                    )
                } else {
                    lang.t("users.active")
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role.code(),
                    node,
                    state
                );
            }
        }
        UserAction::Passwd { username } => {
            let u = find_user(&*store, &username).await?;
            let p = innozone_app::accounts::reset_password(
                &*store,
                HashPool::shared(),
                &operator,
                &tree,
                u.id,
            )
            .await?;
            println!(
                "{}",
                lang.t_with("cli.user.password", &[("password", p.expose().to_string())])
            );
        }
        UserAction::Disable { username } => {
            set_active(&*store, lang, &operator, &tree, &username, false).await?
        }
        UserAction::Enable { username } => {
            set_active(&*store, lang, &operator, &tree, &username, true).await?
        }
    }
    Ok(())
}

async fn set_active(
    store: &dyn Store,
    lang: Lang,
    operator: &innozone_domain::accounts::Principal,
    tree: &innozone_domain::registry::Tree,
    username: &str,
    active: bool,
) -> Result<(), Failure> {
    let u = find_user(store, username).await?;
    let update = UserUpdate {
        display_name: u.display_name.clone(),
        role: u.role,
        binding: u.binding,
        active,
    };
    innozone_app::accounts::update_account(store, operator, tree, u.id, update).await?;
    let key = if active {
        "cli.user.enabled"
    } else {
        "cli.user.disabled"
    };
    println!(
        "{}",
        lang.t_with(key, &[("username", u.username.to_string())])
    );
    Ok(())
}

async fn example(database: &str, lang: Lang, scale: ExampleScale) -> Result<(), Failure> {
    let store = open(database, lang).await?;
    if !load_example(&*store, lang, scale_of(scale), true).await? {
        return Err(Failure::App(innozone_app::AppError::Store(
            innozone_store::StoreError::Duplicate {
                entity: "registry",
                key: database.to_string(),
            },
        )));
    }
    Ok(())
}
