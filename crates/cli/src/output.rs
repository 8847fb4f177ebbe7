//! What the command line prints, in the user's language, and its exit codes.

use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use innozone_app::AppError;
use innozone_i18n::{Lang, Localize, intake_message, thousands};
use innozone_store::StoreError;

/// Why a command failed, with the exit code a script sees:
/// 1 other failure, 2 usage (from clap), 3 invalid input, 4 database unavailable,
/// 5 not found or already exists, 6 not allowed.
#[derive(Debug)]
pub enum Failure {
    App(AppError),
    Store(StoreError),
    Input(String),
    Io(String),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

fn store_code(e: &StoreError) -> u8 {
    match e {
        StoreError::NotFound { .. }
        | StoreError::Duplicate { .. }
        | StoreError::Conflict { .. } => 5,
        StoreError::Unavailable(_) | StoreError::Migration(_) => 4,
        StoreError::Backend(_) | StoreError::Corrupt(_) => 1,
    }
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::App(
                AppError::Import(_)
                | AppError::File(_)
                | AppError::Read(_)
                | AppError::SearchTooLong { .. }
                | AppError::Credential(_)
                | AppError::Binding(_)
                | AppError::CreditCode(_)
                | AppError::Form(_)
                | AppError::Period(_)
                | AppError::WrongPeriodType { .. }
                | AppError::Intake { .. }
                | AppError::Lifecycle(_)
                | AppError::Catalogue(_)
                | AppError::Targets(_)
                | AppError::Statistics(_)
                | AppError::Scheme(_)
                | AppError::EvaluationInputs(_)
                | AppError::EvaluationRun(_)
                | AppError::EvaluationData(_)
                | AppError::DevelopmentIndex(_)
                | AppError::Robustness(_)
                | AppError::Ladder(_)
                | AppError::LadderVersion { .. }
                | AppError::NotText
                | AppError::WrongPassword,
            ) => 3,
            Failure::App(AppError::NotFound { .. } | AppError::UnknownReference { .. }) => 5,
            Failure::App(AppError::Forbidden) => 6,
            Failure::App(AppError::Store(e)) | Failure::Store(e) => store_code(e),
            Failure::App(AppError::Hashing | AppError::Busy { .. }) | Failure::Io(_) => 1,
            Failure::Input(_) => 3,
        })
    }
}

pub fn store_message(e: &StoreError, lang: Lang) -> String {
    match e {
        StoreError::NotFound { entity, key } => lang.t_with(
            "cli.not_found",
            &[
                ("entity", lang.t(&format!("entity.{entity}"))),
                ("key", key.clone()),
            ],
        ),
        StoreError::Duplicate { entity, key } => lang.t_with(
            "error.duplicate",
            &[
                ("entity", lang.t(&format!("entity.{entity}"))),
                ("key", key.clone()),
            ],
        ),
        StoreError::Unavailable(reason) | StoreError::Migration(reason) => {
            lang.t_with("cli.unavailable", &[("reason", reason.clone())])
        }
        StoreError::Backend(reason) | StoreError::Corrupt(reason) => {
            lang.t_with("cli.store_failed", &[("reason", reason.clone())])
        }
        StoreError::Conflict { .. } => lang.t("error.conflict"),
    }
}

pub fn report_failure(failure: &Failure, lang: Lang) {
    let prefix = lang.t("cli.error");
    match failure {
        Failure::App(AppError::Import(issues)) => {
            eprintln!(
                "{prefix}{}",
                lang.t_with(
                    "cli.import_failed",
                    &[("count", thousands(issues.total() as u64))]
                )
            );
            for issue in issues.iter() {
                eprintln!("  {}", issue.localize(lang));
            }
            shown_first(issues.len(), issues.total(), lang);
        }
        Failure::App(AppError::Store(e)) | Failure::Store(e) => {
            eprintln!("{prefix}{}", store_message(e, lang))
        }
        Failure::App(AppError::NotFound { entity, key }) => {
            eprintln!(
                "{prefix}{}",
                lang.t_with(
                    "cli.not_found",
                    &[
                        ("entity", lang.t(&format!("entity.{entity}"))),
                        ("key", key.clone())
                    ]
                )
            )
        }
        Failure::App(AppError::Forbidden) => eprintln!("{prefix}{}", lang.t("error.forbidden")),
        Failure::App(AppError::File(reason)) => eprintln!(
            "{prefix}{}",
            lang.t_with("error.file", &[("reason", reason.clone())])
        ),
        Failure::App(AppError::Read(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::SearchTooLong { length, limit }) => eprintln!(
            "{prefix}{}",
            lang.t_with(
                "search.too_long",
                &[
                    ("length", thousands(*length as u64)),
                    ("limit", limit.to_string())
                ]
            )
        ),
        Failure::App(AppError::Credential(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::Binding(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::CreditCode(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::UnknownReference { entity, key }) => eprintln!(
            "{prefix}{}",
            lang.t_with(
                "error.unknown_reference",
                &[
                    ("entity", lang.t(&format!("entity.{entity}"))),
                    ("key", key.clone())
                ]
            )
        ),
        Failure::App(AppError::Hashing) => eprintln!("{prefix}{}", lang.t("error.internal")),
        Failure::App(AppError::Busy { retry_after }) => eprintln!(
            "{prefix}{}",
            lang.t_with("error.busy", &[("seconds", retry_after.to_string())])
        ),
        Failure::App(AppError::WrongPassword) => {
            eprintln!("{prefix}{}", lang.t("account.wrong_current"))
        }
        Failure::App(AppError::Catalogue(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::Targets(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::Statistics(issues)) => {
            for issue in issues.iter() {
                eprintln!("{prefix}{}", issue.localize(lang));
            }
            shown_first(issues.len(), issues.total(), lang);
        }
        Failure::App(AppError::EvaluationInputs(issues)) => {
            for issue in issues {
                eprintln!("{prefix}{}", issue.localize(lang));
            }
        }
        Failure::App(AppError::EvaluationData(issues)) => {
            for issue in issues {
                eprintln!("{prefix}{}", issue.localize(lang));
            }
        }
        Failure::App(AppError::Scheme(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::EvaluationRun(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::DevelopmentIndex(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::Robustness(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::Ladder(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::NotText) => {
            eprintln!("{prefix}{}", lang.t("definitions.not_text"))
        }
        Failure::App(AppError::LadderVersion { version, newest }) => eprintln!(
            "{prefix}{}",
            lang.t_with(
                "cultivation.ladder.stale_version",
                &[
                    ("version", version.to_string()),
                    ("newest", newest.to_string())
                ]
            )
        ),
        Failure::App(AppError::Intake { issues, form }) => {
            eprintln!(
                "{prefix}{}",
                lang.t_with(
                    "cli.import_failed",
                    &[("count", thousands(issues.total() as u64))]
                )
            );
            for issue in issues.iter() {
                eprintln!("  {}", intake_message(issue, form.as_deref(), lang));
            }
            shown_first(issues.len(), issues.total(), lang);
        }
        Failure::App(AppError::Form(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::Period(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::Lifecycle(e)) => eprintln!("{prefix}{}", e.localize(lang)),
        Failure::App(AppError::WrongPeriodType { form, period }) => eprintln!(
            "{prefix}{}",
            lang.t_with(
                "period.wrong_type",
                &[("form", form.clone()), ("period", period.clone())]
            )
        ),
        Failure::Input(message) | Failure::Io(message) => eprintln!("{prefix}{message}"),
    }
}

/// After a list cut short: how many problems there are in all.
fn shown_first(shown: usize, total: usize, lang: Lang) {
    if shown < total {
        eprintln!(
            "{}",
            lang.t_with(
                "cli.issues_shown_first",
                &[
                    ("shown", thousands(shown as u64)),
                    ("total", thousands(total as u64))
                ]
            )
        );
    }
}

/// A bar for work of known size.
pub fn bar(total: u64, message: String) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} ({elapsed})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// A spinner for work of unknown size.
pub fn spinner(message: String) -> ProgressBar {
    let s = ProgressBar::new_spinner();
    s.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"),
    );
    s.set_message(message);
    s.enable_steady_tick(std::time::Duration::from_millis(120));
    s
}

/// Makes every command end quietly, with success, when the program reading its output
/// stops early (`innozone evaluation show 4 | head -1`): the reader has what it wanted.
/// Rust ignores SIGPIPE, so `println!` on a closed pipe panics with "failed printing to
/// stdout: … (os error 32)"; this hook recognises that panic (by the error number, which
/// does not depend on the locale) and exits before the default hook prints it. Every other
/// panic is reported as before.
pub fn exit_quietly_on_closed_stdout() {
    let report = std::panic::take_hook();
    let closed_pipe = format!("(os error {})", libc::EPIPE);
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.ends_with(&closed_pipe) {
            std::process::exit(0);
        }
        report(info);
    }));
}
