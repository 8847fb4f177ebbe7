//! What the store keeps for direct reporting: form versions, periods, filings and every
//! revision of them. Revisions are only ever appended; a filing row points at its latest.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use innozone_domain::Date;
use innozone_domain::registry::{CreditCode, EnterpriseId, UnitId};
use innozone_domain::reporting::{
    Completeness, Explanations, FilingAction, FilingState, Form, Period,
};
use serde::Serialize;

use crate::{Actor, Progress, StoreResult};

/// A reporting period of a form as the zone opened it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodRecord {
    pub form_code: String,
    pub period: Period,
    /// The form version filings of this period are made under.
    pub form_version: u32,
    pub deadline: Date,
}

/// The zone closed the period for the enterprises within `unit`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosureRecord {
    pub unit: UnitId,
    pub at: i64,
    pub actor_name: String,
}

/// A filing as it stands: its latest revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FilingRecord {
    pub id: i64,
    pub form_code: String,
    pub form_version: u32,
    pub period: Period,
    pub enterprise: EnterpriseId,
    pub state: FilingState,
    /// The number of the latest revision, from 1.
    pub revision: i32,
    pub values: BTreeMap<String, f64>,
    pub explanations: Explanations,
    pub first_submitted_at: Option<i64>,
    pub updated_at: i64,
    /// The reason given by the latest return or reopening, while it stands returned.
    pub note: Option<String>,
}

/// One revision: who did what, when, why, and the values as they then were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionRecord {
    pub filing_id: i64,
    pub number: i32,
    pub action: FilingAction,
    pub state: FilingState,
    pub form_version: u32,
    pub values: BTreeMap<String, f64>,
    pub explanations: Explanations,
    pub note: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub at: i64,
}

/// A step to record: a new filing (`after_revision` is 0) or a step on the filing whose
/// latest revision is `after_revision`. The store refuses with `Conflict` if the filing
/// moved on meanwhile, so that two people never overwrite each other unknowingly.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRevision {
    pub form_code: String,
    pub form_version: u32,
    pub period: Period,
    pub enterprise: EnterpriseId,
    pub after_revision: i32,
    pub action: FilingAction,
    pub state: FilingState,
    pub values: BTreeMap<String, f64>,
    pub explanations: Explanations,
    pub note: Option<String>,
    /// Who acted and when, where it differs from the writer (the example's history).
    pub actor: Option<Actor>,
    pub at: i64,
}

#[async_trait]
pub trait ReportingStore: Send + Sync {
    /// Stores a form version. The same code and version again with the same definition
    /// is accepted (nothing changes); with another definition it is a `Duplicate`.
    async fn save_form(&self, form: &Form, actor: &Actor) -> StoreResult<()>;
    /// The latest version of every form.
    async fn forms(&self) -> StoreResult<Vec<Form>>;
    async fn form(&self, code: &str, version: u32) -> StoreResult<Option<Form>>;
    /// Every version number of a form, oldest first.
    async fn form_versions(&self, code: &str) -> StoreResult<Vec<u32>>;

    /// Opens a period, or changes its deadline.
    async fn save_period(&self, period: &PeriodRecord, actor: &Actor) -> StoreResult<()>;
    async fn periods(&self, form_code: &str) -> StoreResult<Vec<PeriodRecord>>;
    async fn period(&self, form_code: &str, period: Period) -> StoreResult<Option<PeriodRecord>>;
    async fn closures(&self, form_code: &str, period: Period) -> StoreResult<Vec<ClosureRecord>>;
    /// Closes the period for `unit` and records the given lock steps, all at once.
    async fn close_period(
        &self,
        form_code: &str,
        period: Period,
        unit: UnitId,
        locks: &[NewRevision],
        actor: &Actor,
    ) -> StoreResult<()>;

    /// Records the steps in one transaction: all or nothing.
    async fn record_revisions(
        &self,
        revisions: &[NewRevision],
        actor: &Actor,
        progress: Progress<'_>,
    ) -> StoreResult<u64>;
    async fn filing(
        &self,
        form_code: &str,
        period: Period,
        enterprise: EnterpriseId,
    ) -> StoreResult<Option<FilingRecord>>;
    async fn filing_by_id(&self, id: i64) -> StoreResult<Option<FilingRecord>>;
    /// The filings of a period; of the given enterprises only, when given.
    async fn filings(
        &self,
        form_code: &str,
        period: Period,
        enterprises: Option<&[EnterpriseId]>,
    ) -> StoreResult<Vec<FilingRecord>>;
    /// Every revision of a filing, oldest first.
    async fn revisions(&self, filing_id: i64) -> StoreResult<Vec<RevisionRecord>>;

    /// The ids of the enterprises with these credit codes; codes not registered are left
    /// out. Lighter than `stored_enterprises` for an upload of a whole zone's filings.
    async fn enterprise_ids(
        &self,
        codes: &[CreditCode],
    ) -> StoreResult<HashMap<CreditCode, EnterpriseId>>;

    /// Every enterprise located in a park on `date`: its park and whether it is in the
    /// survey (入统). Ordered by enterprise.
    async fn located_on(&self, date: Date) -> StoreResult<Vec<(EnterpriseId, UnitId, bool)>>;

    /// How far each park is with the filings of a form and period, counted in the
    /// database: the enterprises in the survey located in the park on `date` (those
    /// expected to file), and of them those that submitted (before `cutoff`, unix
    /// seconds, or later), never did, stand returned or approved. Parks nobody is expected
    /// in are left out. The same counts as [`innozone_domain::reporting::completeness::tally`]
    /// over [`ReportingStore::surveyed_on`] and the filings, without reading either.
    async fn completeness_by_park(
        &self,
        form_code: &str,
        period: Period,
        date: Date,
        cutoff: i64,
    ) -> StoreResult<HashMap<UnitId, Completeness>>;

    /// The enterprises in the survey (入统) and the park each is located in on `date`:
    /// those expected to file for a period ending then.
    async fn surveyed_on(&self, date: Date) -> StoreResult<Vec<(EnterpriseId, UnitId)>> {
        Ok(self
            .located_on(date)
            .await?
            .into_iter()
            .filter(|(_, _, in_survey)| *in_survey)
            .map(|(e, p, _)| (e, p))
            .collect())
    }
}
