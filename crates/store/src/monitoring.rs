//! What the store keeps for monitoring: the indicator catalogue and the targets as
//! versioned documents, the unit statistics entered per unit and period (every entry
//! kept), and the reads the aggregation engine needs in bulk.

use async_trait::async_trait;
use innozone_domain::Date;
use innozone_domain::registry::{EnterpriseId, SizeClass, Tier, UnitId};
use innozone_domain::reporting::{FilingValues, Period};
use serde::Serialize;

use crate::{Actor, StoreResult};

/// One saved version of a document the zone edits (the indicator catalogue, the targets).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentRecord {
    /// Rises with every save.
    pub id: i64,
    pub source: String,
    pub saved_at: i64,
    pub saved_by: String,
}

/// A statistic value to record for a unit and period; `None` clears it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStatistic {
    pub unit: UnitId,
    pub period: Period,
    pub code: String,
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// A recorded statistic value: the latest entry for its unit, period and code, or one
/// entry of its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatisticRecord {
    pub id: i64,
    pub unit: UnitId,
    pub period: Period,
    pub code: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub recorded_at: i64,
    pub recorded_by: String,
}

/// The values a filing counts with in monitoring, and the revision they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct CountedFiling {
    pub filing_id: i64,
    pub enterprise: EnterpriseId,
    /// The revision number the values are from.
    pub revision: i32,
    /// Whether that revision is approved (as opposed to submitted and awaiting review).
    pub approved: bool,
    pub form_version: u32,
    /// In the field order of `form_version`.
    pub values: FilingValues,
}

/// What monitoring needs of every enterprise to filter by.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseProfile {
    pub id: EnterpriseId,
    /// GB/T 4754 class, four digits.
    pub industry: String,
    pub size_class: SizeClass,
    pub in_survey: bool,
}

#[async_trait]
pub trait MonitoringStore: Send + Sync {
    /// Appends a version of the indicator catalogue, as written.
    async fn save_catalogue(&self, source: &str, actor: &Actor) -> StoreResult<DocumentRecord>;
    async fn latest_catalogue(&self) -> StoreResult<Option<DocumentRecord>>;
    /// Every version, newest first.
    async fn catalogue_versions(&self) -> StoreResult<Vec<DocumentRecord>>;

    /// Appends a version of the targets, as written.
    async fn save_targets(&self, source: &str, actor: &Actor) -> StoreResult<DocumentRecord>;
    async fn latest_targets(&self) -> StoreResult<Option<DocumentRecord>>;
    async fn target_versions(&self) -> StoreResult<Vec<DocumentRecord>>;

    /// Appends statistic values, all or none, with one audit entry. Returns how many.
    async fn record_statistics(&self, entries: &[NewStatistic], actor: &Actor) -> StoreResult<u64>;
    /// The current value of every statistic of the given periods (all periods when
    /// empty): the latest entry per unit, period and code, cleared ones left out.
    async fn statistics(&self, periods: &[Period]) -> StoreResult<Vec<StatisticRecord>>;
    /// Every entry of one unit's statistic, oldest first.
    async fn statistic_history(
        &self,
        unit: UnitId,
        code: &str,
    ) -> StoreResult<Vec<StatisticRecord>>;

    /// The filings of a form and period as monitoring counts them: for each, its latest
    /// approved revision, or with `include_unapproved` its latest submitted or approved
    /// one. Drafts and returned filings never count.
    ///
    /// Precisely: a submitted revision counts only while it is the filing's latest (a
    /// submission the park returned never counts), and an approved revision keeps counting
    /// until a later one is approved, so a filing reopened for correction, or returned
    /// after its approval, counts with what was approved. Ordered by enterprise.
    async fn counted_filings(
        &self,
        form_code: &str,
        period: Period,
        include_unapproved: bool,
    ) -> StoreResult<Vec<CountedFiling>>;

    /// A value that changes whenever a filing of the form and period gets a revision.
    async fn filings_fingerprint(&self, form_code: &str, period: Period) -> StoreResult<i64>;
    /// A value that changes whenever units, memberships, enterprises, their locations or
    /// recognitions, the statistics, the catalogue or the targets change.
    async fn monitoring_fingerprint(&self) -> StoreResult<i64>;

    /// Industry, size class and survey flag of every enterprise.
    async fn enterprise_profiles(&self) -> StoreResult<Vec<EnterpriseProfile>>;
    /// The tiers each enterprise holds a recognition of that is valid on `date`.
    async fn recognitions_on(&self, date: Date) -> StoreResult<Vec<(EnterpriseId, Tier)>>;
}
