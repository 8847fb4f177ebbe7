//! First start: the built-in example for an empty store, and the first administrator.

use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::Dataset;
use innozone_example::Scale;
use innozone_store::{Actor, ImportSummary, NewUser, Progress, Store};

use crate::AppError;
use crate::accounts::{HashPool, generate_password};

/// A step of loading the example, for a caller that shows how far it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleStep {
    /// Generating the registry; counts enterprises made.
    Generating,
    /// Saving the registry; counts enterprises saved.
    Loading,
    /// The forms, periods and filings of the example's history; counts filings.
    Filings,
    /// The recognitions of the example's enterprises.
    Recognitions,
    /// The catalogue, targets and unit statistics.
    Monitoring,
    /// The evaluation schemes, their entered values and the kept runs.
    Evaluation,
}

/// Told of each step as the example loads: `started` with the step's expected count when
/// it has one, `advanced` with the count so far, `finished` once it is done.
pub trait ExampleProgress: Sync {
    fn started(&self, step: ExampleStep, expected: Option<u64>);
    fn advanced(&self, step: ExampleStep, done: u64);
    fn finished(&self, step: ExampleStep);
}

/// Nobody is watching (tests, a server loading on start).
pub struct Silently;

impl ExampleProgress for Silently {
    fn started(&self, _: ExampleStep, _: Option<u64>) {}
    fn advanced(&self, _: ExampleStep, _: u64) {}
    fn finished(&self, _: ExampleStep) {}
}

/// What loading the example put into the store.
#[derive(Debug, Clone)]
pub struct LoadedExample {
    /// Units of the registry.
    pub units: usize,
    pub registry: ImportSummary,
    /// The areas beyond the registry; `None` when they were not asked for or the store
    /// already held them.
    pub reporting: Option<ReportingExample>,
    pub cultivation: Option<crate::cultivation::example::CultivationExample>,
    pub monitoring: Option<crate::monitoring::MonitoringExample>,
    pub evaluation: Option<crate::evaluation::EvaluationExample>,
}

/// About how many enterprises the data set of `scale` has, for a progress bar's length.
fn expected_enterprises(scale: Scale) -> u64 {
    match scale {
        Scale::Builtin => 6_600,
        Scale::Province => 30_000,
        Scale::National => 250_000,
    }
}

/// Loads the example of `scale` if the store is empty: the registry, and with `areas` the
/// example's reporting, recognitions, monitoring and evaluation on top of it. Returns
/// what was loaded, or `None` when the store already held data (nothing is changed).
pub async fn load_if_empty(
    store: &dyn Store,
    scale: Scale,
    areas: bool,
    progress: &dyn ExampleProgress,
) -> Result<Option<LoadedExample>, AppError> {
    if !store.is_empty().await? {
        return Ok(None);
    }
    use ExampleStep::*;
    progress.started(Generating, Some(expected_enterprises(scale)));
    let generate = || innozone_example::generate(scale, &|n| progress.advanced(Generating, n));
    // Generating takes seconds at the larger scales: off the runtime's thread when the
    // runtime has others to keep running.
    let dataset = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(generate),
        _ => generate(),
    };
    progress.finished(Generating);
    progress.started(Loading, Some(dataset.enterprises.len() as u64));
    let registry = store
        .load_dataset(&dataset, &Actor::system(crate::clock::now_unix()), &|n| {
            progress.advanced(Loading, n)
        })
        .await?;
    progress.finished(Loading);
    let mut loaded = LoadedExample {
        units: dataset.units.len(),
        registry,
        reporting: None,
        cultivation: None,
        monitoring: None,
        evaluation: None,
    };
    if !areas {
        return Ok(Some(loaded));
    }
    progress.started(Filings, None);
    loaded.reporting =
        load_reporting_example(store, &dataset, &|n| progress.advanced(Filings, n)).await?;
    progress.finished(Filings);
    progress.started(Recognitions, None);
    loaded.cultivation = crate::cultivation::example::load_example(store).await?;
    progress.finished(Recognitions);
    progress.started(Monitoring, None);
    loaded.monitoring = crate::monitoring::load_example(store, &dataset).await?;
    progress.finished(Monitoring);
    progress.started(Evaluation, None);
    let monitor = crate::monitoring::Monitor::new();
    loaded.evaluation = crate::evaluation::load_example(store, &monitor).await?;
    progress.finished(Evaluation);
    Ok(Some(loaded))
}

/// The credentials of an administrator made on first start, shown once.
#[derive(Debug, Clone)]
pub struct FirstAdministrator {
    pub username: String,
    pub password: String,
}

/// Creates the administrator `admin` with a random password, hashed on `hashes`, when the
/// store has no user at all. The password must be changed at first log-in.
pub async fn ensure_administrator(
    store: &dyn Store,
    hashes: &HashPool,
) -> Result<Option<FirstAdministrator>, AppError> {
    if !store.list_users().await?.is_empty() {
        return Ok(None);
    }
    let username = Username::parse("admin").expect("valid");
    let password = generate_password(&username);
    let user = NewUser {
        username,
        display_name: "系统管理员".to_string(),
        role: Role::Administrator,
        binding: Binding::Everything,
        password_hash: hashes.hash(&password).await?,
        must_change_password: true,
    };
    store
        .create_user(&user, &Actor::system(crate::clock::now_unix()))
        .await?;
    Ok(Some(FirstAdministrator {
        username: "admin".to_string(),
        password: password.expose().to_string(),
    }))
}

/// What the example's reporting holds once loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportingExample {
    pub forms: usize,
    pub periods: usize,
    pub filings: usize,
    pub recorded: u64,
}

/// Loads the example's reporting into a store that has its registry but no form yet:
/// both shipped Torch forms, their periods, the 兰白 zone's filings step by step as the
/// example's history has them, the historic annual filings of 兰白 (2014–2023) and 攀枝花
/// (2020–2025), the closing of the periods each zone has closed, and the shipped ladder
/// of tiers as the first installed version (read against the annual form just saved).
pub async fn load_reporting_example(
    store: &dyn Store,
    dataset: &Dataset,
    progress: Progress<'_>,
) -> Result<Option<ReportingExample>, AppError> {
    use std::collections::{BTreeMap, BTreeSet};

    use innozone_domain::reporting::{FilingAction, FilingState};
    use innozone_example::filings::{
        ZONE_PREFIX, closed_periods, forms, historic_closures, historic_filings, lanbai_filings,
    };
    use innozone_store::{NewRevision, PeriodRecord};

    if !store.forms().await?.is_empty() {
        return Ok(None);
    }
    let system = Actor::system(crate::clock::now_unix());
    let forms = forms();
    for form in &forms {
        store.save_form(form, &system).await?;
    }
    let current = lanbai_filings(dataset, &forms);
    let historic = historic_filings(dataset, &forms);
    // (zone, form, period) of every closing, 兰白's recent periods first.
    let closures: Vec<(&str, &str, innozone_domain::reporting::Period)> = closed_periods()
        .into_iter()
        .map(|(form, period)| (ZONE_PREFIX, form, period))
        .chain(historic_closures())
        .collect();
    let periods: BTreeSet<(String, innozone_domain::reporting::Period)> = current
        .iter()
        .chain(&historic)
        .map(|f| (f.form_code.clone(), f.period))
        .chain(closures.iter().map(|(_, code, p)| (code.to_string(), *p)))
        .collect();
    for (code, period) in &periods {
        let Some(form) = forms.iter().find(|f| &f.code == code) else {
            continue;
        };
        let record = PeriodRecord {
            form_code: code.clone(),
            period: *period,
            form_version: form.version,
            deadline: form.deadline(*period),
        };
        store.save_period(&record, &system).await?;
    }
    let codes: Vec<_> = current
        .iter()
        .chain(&historic)
        .map(|f| f.credit_code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let stored = store.stored_enterprises(&codes).await?;
    let mut revisions = Vec::new();
    // A current filing's closing is its own last step (a Lock); before it the period was
    // open. A historic filing is submitted and approved only: its approval is recorded as
    // made in the closed period, which locks it, so that a closed year holds no filing
    // still open to change without a Lock revision per filing.
    let filed = current.len() + historic.len();
    // Taken apart as they go: a filing's values move into its revisions instead of being
    // held twice over (the history alone has a hundred thousand revisions).
    let filings = current
        .into_iter()
        .map(|f| (f, false))
        .chain(historic.into_iter().map(|f| (f, true)));
    for (filing, approval_locks) in filings {
        let Some(enterprise) = stored.get(&filing.credit_code) else {
            continue;
        };
        let Some(form) = forms.iter().find(|f| f.code == filing.form_code) else {
            continue;
        };
        let mut state: Option<FilingState> = None;
        let mut values = BTreeMap::new();
        let mut explanations = BTreeMap::new();
        for (i, step) in filing.steps.into_iter().enumerate() {
            let closed = approval_locks && step.action == FilingAction::Approve;
            let next = match state {
                None => FilingState::new_filing(step.action, false),
                Some(s) => s.after(step.action, step.note.as_deref(), closed),
            }?;
            state = Some(next);
            if let Some(v) = step.values {
                values = v;
                explanations = step.explanations;
            }
            revisions.push(NewRevision {
                form_code: form.code.clone(),
                form_version: form.version,
                period: filing.period,
                enterprise: enterprise.id,
                after_revision: i as i32,
                action: step.action,
                state: next,
                values: values.clone(),
                explanations: explanations.clone(),
                note: step.note,
                actor: Some(Actor {
                    user_id: None,
                    name: step.actor,
                    at: step.at,
                }),
                at: step.at,
            });
            debug_assert!(step.action != FilingAction::Lock || next.locked);
        }
        debug_assert!(!approval_locks || state.is_some_and(|s| s.locked));
    }
    let recorded = store
        .record_revisions(&revisions, &system, progress)
        .await?;
    let hierarchy = store.hierarchy().await?;
    for (zone, code, period) in &closures {
        if let Some(zone) = hierarchy.unit_by_code(zone) {
            store
                .close_period(code, *period, zone.id, &[], &system)
                .await?;
        }
    }
    // The example's zone starts with the shipped ladder of tiers on record.
    crate::cultivation::ladder::install_shipped_if_none(store).await?;
    Ok(Some(ReportingExample {
        forms: forms.len(),
        periods: periods.len(),
        filings: filed,
        recorded,
    }))
}
