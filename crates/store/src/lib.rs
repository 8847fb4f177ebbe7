//! The storage interface of innozone. The domain decides; the store keeps. Every write
//! runs in one transaction together with its audit entries, so that nothing is ever
//! half-written and every change says who made it and what it was before.
//!
//! One small trait per area (as lldap's backend handlers are): [`RegistryStore`],
//! [`AccountStore`], [`SessionStore`], [`AuditStore`] (writes) and [`ReadAuditStore`]
//! (reads of enterprises' filing values), [`ReportingStore`], [`MonitoringStore`],
//! [`EvaluationStore`] and [`CultivationStore`], and [`CacheVersionStore`] for what
//! servers keep in memory. A use case asks for
//! the narrowest it uses, so that a reader sees at its signature what it touches and its
//! test can pass an in-memory fake of just that trait; [`Store`] only names them all, for
//! the application's state.
//!
//! The store never reads the clock: a write's time comes with its [`Actor`], and a read
//! that depends on the day (the tiers an enterprise holds) takes the date.

mod accounts;
mod audit;
mod cultivation;
mod error;
mod evaluation;
mod monitoring;
mod registry;
mod reporting;
mod sessions;
mod versions;

pub use accounts::{AccountStore, Lockout, LoginCount, NewUser, UserRecord, UserUpdate};
pub use audit::{
    Actor, AuditEntry, AuditQuery, AuditStore, NewRead, ReadAuditStore, ReadEntry, ReadQuery,
};
pub use cultivation::{
    CultivationStore, LadderRecord, LadderStore, LadderSummary, ListedRecognition, NewLadder,
    NewRecognition, RecognitionRecord, RecognitionSource, RecognitionStore, RecordedRecognitions,
    Replaced,
};
pub use error::{StoreError, StoreResult};
pub use evaluation::{
    EvaluationInputRecord, EvaluationRunRecord, EvaluationRunSummary, EvaluationStore,
    NewEvaluationInput, NewEvaluationRun, SchemeRecord,
};
pub use monitoring::{
    CountedFiling, DocumentRecord, EnterpriseProfile, MonitoringStore, NewStatistic,
    StatisticRecord,
};
pub use registry::{EnterpriseList, EnterpriseQuery, ImportSummary, RegistryStore, UnitFigures};
pub use reporting::{
    ClosureRecord, FilingRecord, NewRevision, PeriodRecord, ReportingStore, RevisionRecord,
};
pub use sessions::{SessionRecord, SessionStore};
pub use versions::{CacheVersionStore, CachedArea};

/// Reports progress of long work: called with the number of items done so far.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

/// Which database keeps the data, for logs.
pub trait Backend: Send + Sync {
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
}

/// Every area's store: what the application's state holds. It adds nothing of its own;
/// anything that implements all the areas is a `Store`.
pub trait Store:
    Backend
    + RegistryStore
    + AccountStore
    + SessionStore
    + AuditStore
    + ReadAuditStore
    + ReportingStore
    + MonitoringStore
    + EvaluationStore
    + CultivationStore
    + CacheVersionStore
{
}

impl<T> Store for T where
    T: Backend
        + RegistryStore
        + AccountStore
        + SessionStore
        + AuditStore
        + ReadAuditStore
        + ReportingStore
        + MonitoringStore
        + EvaluationStore
        + CultivationStore
        + CacheVersionStore
        + ?Sized
{
}
