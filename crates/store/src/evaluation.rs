//! What the store keeps for evaluation: the schemes as versioned documents (one series of
//! versions per scheme code), the values entered for an evaluation (a review panel's
//! marks, a bonus item's occurrences, a veto hit: every entry kept), and the runs, which
//! are written once and never changed, so that a published result can always be shown as
//! it was published.
//!
//! A run's inputs and result are kept as the application serialises them (JSON text): the
//! store does not interpret them, it only guarantees they come back byte for byte.

use async_trait::async_trait;
use innozone_domain::registry::UnitId;
use innozone_domain::reporting::Period;
use serde::Serialize;

use crate::{Actor, StoreResult};

/// One saved version of an evaluation scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeRecord {
    /// Rises with every save, across all schemes.
    pub id: i64,
    /// The scheme's code (the `code` inside its source).
    pub code: String,
    pub source: String,
    pub saved_at: i64,
    pub saved_by: String,
}

/// A value entered for an evaluation: for a unit and period, an item of a scheme (an
/// entered indicator's value, an adjustment's number of occurrences, a veto as 1).
/// `None` clears it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvaluationInput {
    pub scheme: String,
    pub unit: UnitId,
    pub period: Period,
    pub item: String,
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// A recorded input: the latest entry for its scheme, unit, period and item, or one entry
/// of its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationInputRecord {
    pub id: i64,
    pub scheme: String,
    pub unit: UnitId,
    pub period: Period,
    pub item: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub recorded_at: i64,
    pub recorded_by: String,
}

/// A run to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvaluationRun {
    pub scheme: String,
    /// The `SchemeRecord::id` of the version that was run.
    pub scheme_version: i64,
    pub period: Period,
    /// The unit whose children were evaluated (the zone for its parks).
    pub scope: UnitId,
    /// Which filings counted ("approved" or "all").
    pub basis: String,
    /// A digest of the inputs, so that a re-run on unchanged data can be recognised.
    pub inputs_digest: String,
    /// The values the run was computed from, as the application serialised them.
    pub inputs: String,
    /// The result, as the application serialised it.
    pub result: String,
}

/// A kept run without its inputs and result, for lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationRunSummary {
    pub id: i64,
    pub scheme: String,
    pub scheme_version: i64,
    pub period: Period,
    pub scope: UnitId,
    pub basis: String,
    pub inputs_digest: String,
    pub created_at: i64,
    pub created_by: String,
}

/// A kept run, whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationRunRecord {
    pub summary: EvaluationRunSummary,
    pub inputs: String,
    pub result: String,
}

#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// Appends a version of the scheme `code`, as written, with an audit entry.
    async fn save_scheme(
        &self,
        code: &str,
        source: &str,
        actor: &Actor,
    ) -> StoreResult<SchemeRecord>;
    /// The latest version of the scheme `code`.
    async fn latest_scheme(&self, code: &str) -> StoreResult<Option<SchemeRecord>>;
    /// One version by its id, whichever scheme it belongs to.
    async fn scheme_version(&self, id: i64) -> StoreResult<Option<SchemeRecord>>;
    /// Every version of the scheme `code`, newest first.
    async fn scheme_versions(&self, code: &str) -> StoreResult<Vec<SchemeRecord>>;
    /// The latest version of every scheme, ordered by code.
    async fn latest_schemes(&self) -> StoreResult<Vec<SchemeRecord>>;

    /// Appends inputs, all or none, with one audit entry. Returns how many. Refused with
    /// `NotFound` (entity `unit`) naming the first unit that does not exist; nothing is
    /// written then.
    async fn record_evaluation_inputs(
        &self,
        entries: &[NewEvaluationInput],
        actor: &Actor,
    ) -> StoreResult<u64>;
    /// The current inputs of the scheme `scheme` for the given periods (all periods when
    /// empty): the latest entry per unit, period and item, cleared ones left out. Ordered
    /// by period, unit and item.
    async fn evaluation_inputs(
        &self,
        scheme: &str,
        periods: &[Period],
    ) -> StoreResult<Vec<EvaluationInputRecord>>;
    /// Every entry of one unit's item, oldest first.
    async fn evaluation_input_history(
        &self,
        scheme: &str,
        unit: UnitId,
        item: &str,
    ) -> StoreResult<Vec<EvaluationInputRecord>>;

    /// Keeps a run, with an audit entry. Runs are never changed nor deleted. Refused with
    /// `NotFound` when `scheme_version` is not a version of `scheme` (entity
    /// `evaluation_scheme`, key `scheme/version`) or `scope` is not a unit (entity `unit`).
    async fn save_evaluation_run(
        &self,
        run: &NewEvaluationRun,
        actor: &Actor,
    ) -> StoreResult<EvaluationRunSummary>;
    async fn evaluation_run(&self, id: i64) -> StoreResult<Option<EvaluationRunRecord>>;
    /// The runs of the scheme `scheme` (of every scheme when `None`), newest first.
    async fn evaluation_runs(&self, scheme: Option<&str>)
    -> StoreResult<Vec<EvaluationRunSummary>>;
}
