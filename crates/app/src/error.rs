use innozone_domain::accounts::{BindingError, CredentialError};
use innozone_domain::cultivation::TierError;
use innozone_domain::evaluation::data::DataIssue;
use innozone_domain::evaluation::index::IndexError;
use innozone_domain::evaluation::inputs::InputIssue;
use innozone_domain::evaluation::robustness::RobustnessError;
use innozone_domain::evaluation::run::RunError;
use innozone_domain::evaluation::scheme::SchemeError;
use innozone_domain::monitoring::{CatalogueError, StatisticIssue, TargetError};
use innozone_domain::registry::CreditCodeError;
use innozone_domain::registry::import::ImportIssue;
use innozone_domain::reporting::intake::IntakeIssue;
use innozone_domain::reporting::{FormError, LifecycleError, PeriodError};
use innozone_exchange::ReadError;
use innozone_store::StoreError;

use crate::issues::Issues;

/// Why a use case did not happen. Mapped to HTTP statuses and to user messages in one
/// place each (the web crate's `error` module, the i18n crate's `Localize`).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not allowed")]
    Forbidden,
    #[error("{entity} '{key}' does not exist")]
    NotFound { entity: &'static str, key: String },
    /// A code in the request names nothing: the unit or enterprise an account is to be
    /// bound to, say. Unlike `NotFound`, the request itself was found and is at fault.
    #[error("no {entity} has the code '{key}'")]
    UnknownReference { entity: &'static str, key: String },
    #[error(transparent)]
    CreditCode(#[from] CreditCodeError),
    /// The problems of an import or a form, the first of them listed.
    #[error("the file has {} problem(s)", .0.total())]
    Import(Issues<ImportIssue>),
    /// A form definition that does not hold together (boxed: it carries the formula and
    /// its error, and would make every `Result` of the crate that large).
    #[error(transparent)]
    Form(Box<FormError>),
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error("form {form} is not filed for a period like {period}")]
    WrongPeriodType { form: String, period: String },
    /// What stops a filing or an upload, each with where it is; with the form, so that
    /// fields can be named by their labels.
    #[error("the filing has {} problem(s)", issues.total())]
    Intake {
        issues: Issues<IntakeIssue>,
        form: Option<std::sync::Arc<innozone_domain::reporting::Form>>,
    },
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error("the file cannot be read: {0}")]
    File(String),
    /// A file that cannot be read, or is over a limit of what is read at once.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A search text longer than [`crate::limits::SEARCH_CHARS`].
    #[error("the search text has {length} characters; at most {limit} are searched for")]
    SearchTooLong { length: usize, limit: usize },
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Binding(#[from] BindingError),
    #[error("the store refused: {0}")]
    Store(#[from] StoreError),
    #[error("password hashing failed")]
    Hashing,
    /// Every password-hashing worker is busy and the queue is full: try again after
    /// `retry_after` seconds.
    #[error("the password workers are busy; try again in {retry_after} s")]
    Busy { retry_after: i64 },
    /// The current password given to change one's own is not the account's.
    #[error("the current password is wrong")]
    WrongPassword,
    /// An indicator catalogue that does not hold together (boxed like `Form`).
    #[error(transparent)]
    Catalogue(Box<CatalogueError>),
    #[error(transparent)]
    Targets(#[from] TargetError),
    /// A statistics sheet with problems, each with its place.
    #[error("the statistics sheet has {} problem(s)", .0.total())]
    Statistics(Issues<StatisticIssue>),
    /// An evaluation scheme that does not hold together (boxed like `Form`).
    #[error(transparent)]
    Scheme(Box<SchemeError>),
    /// Entries for an evaluation that cannot be taken, each with its unit and item.
    #[error("{} evaluation input(s) cannot be taken", .0.len())]
    EvaluationInputs(Vec<InputIssue>),
    /// The scheme cannot be run on the values assembled.
    #[error(transparent)]
    EvaluationRun(#[from] RunError),
    /// The data set a scheme is run on has problems, each with its place.
    #[error("the evaluation data have {} problem(s)", .0.len())]
    EvaluationData(Vec<DataIssue>),
    #[error(transparent)]
    DevelopmentIndex(#[from] IndexError),
    #[error(transparent)]
    Robustness(#[from] RobustnessError),
    /// A ladder file of tiers that does not hold together, with its line and column
    /// (boxed like `Form`).
    #[error(transparent)]
    Ladder(Box<TierError>),
    /// A ladder version not above the highest installed: installed versions are never
    /// overwritten.
    #[error("ladder version {version} is not above the highest installed, {newest}")]
    LadderVersion { version: u32, newest: u32 },
    /// A definition file (catalogue, targets, scheme, ladder) that is not UTF-8 text.
    #[error("the file is not UTF-8 text")]
    NotText,
}

impl From<TierError> for AppError {
    fn from(e: TierError) -> Self {
        AppError::Ladder(Box::new(e))
    }
}

impl From<SchemeError> for AppError {
    fn from(e: SchemeError) -> Self {
        AppError::Scheme(Box::new(e))
    }
}

impl From<CatalogueError> for AppError {
    fn from(e: CatalogueError) -> Self {
        AppError::Catalogue(Box::new(e))
    }
}

impl From<FormError> for AppError {
    fn from(e: FormError) -> Self {
        AppError::Form(Box::new(e))
    }
}
