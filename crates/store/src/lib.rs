//! The storage interface of innozone. The domain decides; the store keeps. Every write
//! runs in one transaction together with its audit entries, so that nothing is ever
//! half-written and every change says who made it and what it was before.

mod audit;
mod error;
mod evaluation;
mod ladders;
mod monitoring;
mod recognitions;
mod records;
mod reporting;

use std::collections::HashMap;

use async_trait::async_trait;
use innozone_domain::Date;
use innozone_domain::accounts::Username;
use innozone_domain::registry::import::{EnterpriseImportPlan, StoredEnterprise, UnitImportPlan};
use innozone_domain::registry::{
    CreditCode, Dataset, Enterprise, EnterpriseId, Hierarchy, Location, Recognition, UnitId,
};

pub use audit::{Actor, AuditEntry, AuditQuery};
pub use error::{StoreError, StoreResult};
pub use evaluation::{
    EvaluationInputRecord, EvaluationRunRecord, EvaluationRunSummary, EvaluationStore,
    NewEvaluationInput, NewEvaluationRun, SchemeRecord,
};
pub use ladders::{LadderRecord, LadderStore, LadderSummary, NewLadder};
pub use monitoring::{
    CountedFiling, DocumentRecord, EnterpriseProfile, MonitoringStore, NewStatistic,
    StatisticRecord,
};
pub use recognitions::{
    ListedRecognition, NewRecognition, RecognitionRecord, RecognitionSource, RecognitionStore,
    RecordedRecognitions, Replaced,
};
pub use records::{
    EnterpriseList, EnterpriseQuery, ImportSummary, NewUser, SessionRecord, UnitFigures,
    UserRecord, UserUpdate,
};
pub use reporting::{
    ClosureRecord, FilingRecord, NewRevision, PeriodRecord, ReportingStore, RevisionRecord,
};

/// Reports progress of long work: called with the number of items done so far.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

#[async_trait]
pub trait Store:
    ReportingStore + MonitoringStore + EvaluationStore + RecognitionStore + LadderStore + Send + Sync
{
    /// The name of the backend, for logs: "sqlite" or "postgres".
    fn backend(&self) -> &'static str;

    /// Whether the registry holds no unit yet (a new store gets the built-in example).
    async fn is_empty(&self) -> StoreResult<bool>;

    // ---- registry: reads ----

    /// All units and all their dated memberships.
    async fn hierarchy(&self) -> StoreResult<Hierarchy>;
    async fn enterprise(&self, id: EnterpriseId) -> StoreResult<Option<Enterprise>>;
    async fn enterprise_by_code(&self, code: &CreditCode) -> StoreResult<Option<Enterprise>>;
    /// What is stored for the given credit codes, for planning an import.
    async fn stored_enterprises(
        &self,
        codes: &[CreditCode],
    ) -> StoreResult<HashMap<CreditCode, StoredEnterprise>>;
    /// Every location of the enterprise, oldest first.
    async fn enterprise_locations(&self, id: EnterpriseId) -> StoreResult<Vec<Location>>;
    async fn recognitions(&self, id: EnterpriseId) -> StoreResult<Vec<Recognition>>;
    /// Enterprises located today in the query's parks, filtered and paged, ordered by name.
    async fn search_enterprises(&self, query: &EnterpriseQuery) -> StoreResult<EnterpriseList>;
    /// Counts of the enterprises located in each of the given units on `date` (directly,
    /// not below).
    async fn unit_figures(
        &self,
        units: &[UnitId],
        date: Date,
    ) -> StoreResult<HashMap<UnitId, UnitFigures>>;

    // ---- registry: writes ----

    /// Applies a checked unit plan in one transaction, with an audit entry per change.
    async fn apply_unit_plan(
        &self,
        plan: &UnitImportPlan,
        actor: &Actor,
    ) -> StoreResult<ImportSummary>;
    /// Applies a checked enterprise plan in one transaction, with an audit entry per change.
    async fn apply_enterprise_plan(
        &self,
        plan: &EnterpriseImportPlan,
        actor: &Actor,
    ) -> StoreResult<ImportSummary>;
    /// Loads a whole data set into an empty registry (the examples), in one transaction,
    /// with one audit entry for the load.
    async fn load_dataset(
        &self,
        dataset: &Dataset,
        actor: &Actor,
        progress: Progress<'_>,
    ) -> StoreResult<ImportSummary>;

    // ---- accounts ----

    async fn create_user(&self, user: &NewUser, actor: &Actor) -> StoreResult<UserRecord>;
    async fn user(&self, id: i64) -> StoreResult<Option<UserRecord>>;
    async fn user_by_username(&self, username: &Username) -> StoreResult<Option<UserRecord>>;
    async fn list_users(&self) -> StoreResult<Vec<UserRecord>>;
    async fn update_user(
        &self,
        id: i64,
        update: &UserUpdate,
        actor: &Actor,
    ) -> StoreResult<UserRecord>;
    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        actor: &Actor,
    ) -> StoreResult<()>;
    /// Counts a failed log-in; sets the lock when `lock_until` is given. Returns the count.
    async fn record_login_failure(&self, id: i64, lock_until: Option<i64>) -> StoreResult<i64>;
    /// Clears the failure count and the lock.
    async fn record_login_success(&self, id: i64) -> StoreResult<()>;

    // ---- sessions ----

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<()>;

    // ---- audit ----

    /// The audit log, newest first, and the total that matches.
    async fn audit(&self, query: &AuditQuery) -> StoreResult<(Vec<AuditEntry>, i64)>;
}
