//! The read audit: enterprise-level statistics are confidential under the statistics law
//! (统计法 第三十九条), so every use case that hands out an enterprise's filing values records
//! who read which enterprise's values, when, and what they were; administrators read the
//! trail by enterprise and by user, and it is kept for a configured number of days.

use innozone_domain::accounts::Principal;
use innozone_store::{NewRead, ReadAuditStore, ReadEntry, ReadQuery};

use crate::AppError;
use crate::accounts::actor_of;

/// How long reads are kept when the deployment says nothing: three years, the period
/// over which statistical data are commonly reviewed.
pub const DEFAULT_RETENTION_DAYS: u32 = 3 * 365;

/// What a use case hands out, as the trail names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// One filing with its values (the filing page, the API).
    Filing,
    /// Every revision of a filing.
    FilingHistory,
    /// Approved filings exported upward, or downloaded by the API.
    FilingsExport,
    /// An indicator opened up to the enterprises it sums.
    IndicatorDrill,
    /// An enterprise's years checked against the ladder of tiers.
    TierCheck,
}

impl Read {
    pub fn code(self) -> &'static str {
        match self {
            Read::Filing => "filing",
            Read::FilingHistory => "filing_history",
            Read::FilingsExport => "filings_export",
            Read::IndicatorDrill => "indicator_drill",
            Read::TierCheck => "tier_check",
        }
    }
}

/// Records that `by` read `what` of these enterprises. Called by the reading use case
/// before it returns the values, so that nothing is handed out unrecorded: if the trail
/// cannot be written, the read fails.
pub async fn record_reads(
    store: &dyn ReadAuditStore,
    by: &Principal,
    what: Read,
    detail: &str,
    enterprises: impl IntoIterator<Item = i64>,
) -> Result<(), AppError> {
    let reads: Vec<NewRead> = enterprises
        .into_iter()
        .map(|enterprise_id| NewRead {
            enterprise_id,
            what: what.code(),
            detail: detail.to_string(),
        })
        .collect();
    Ok(store.record_reads(&reads, &actor_of(by)).await?)
}

/// One page of the read trail; administrators only, as it spans every enterprise.
pub async fn reads(
    store: &dyn ReadAuditStore,
    by: &Principal,
    query: &ReadQuery,
) -> Result<(Vec<ReadEntry>, i64), AppError> {
    if !by.may_read_audit() {
        return Err(AppError::Forbidden);
    }
    Ok(store.reads(query).await?)
}

/// Deletes the reads older than the retention; how many went. `now` is unix seconds.
pub async fn prune_reads(
    store: &dyn ReadAuditStore,
    retention_days: u32,
    now: i64,
) -> Result<u64, AppError> {
    let before = now - i64::from(retention_days) * 86_400;
    Ok(store.prune_reads(before).await?)
}

/// Prunes the read trail now and then once a day, for as long as the server runs. Every
/// application server over one database may run it: a delete of what is already gone
/// deletes nothing.
pub async fn keep_pruning_reads(
    store: std::sync::Arc<dyn innozone_store::Store>,
    retention_days: u32,
) {
    let mut day = tokio::time::interval(std::time::Duration::from_secs(86_400));
    loop {
        day.tick().await;
        match prune_reads(store.as_ref(), retention_days, crate::clock::now_unix()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, retention_days, "read audit pruned"),
            Err(e) => tracing::warn!(error = %e, "read audit could not be pruned"),
        }
    }
}
