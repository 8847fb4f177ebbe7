//! The audit trail: every write, who made it and when, with the record before and after.

use async_trait::async_trait;
use serde::Serialize;

use crate::StoreResult;

/// Who makes a change, and when (unix seconds). The store never reads the clock: the
/// caller's time (`app::clock`) is the moment every record and audit entry of the write
/// carries. `user_id` is `None` for the system itself (the example loader, the first
/// administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub at: i64,
}

impl Actor {
    pub fn system(at: i64) -> Actor {
        Actor {
            user_id: None,
            name: "system".to_string(),
            at,
        }
    }

    pub fn user(user_id: i64, name: &str, at: i64) -> Actor {
        Actor {
            user_id: Some(user_id),
            name: name.to_string(),
            at,
        }
    }
}

/// One write: who, when (unix seconds), what, and the record before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// What was done, as `entity.verb`: `unit.create`, `enterprise.move`, `user.update`.
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_key: Option<String>,
    pub actor_name: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// The trail is written by the writes themselves, in their transactions; this reads it.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// The audit log, newest first, and the total that matches.
    async fn audit(&self, query: &AuditQuery) -> StoreResult<(Vec<AuditEntry>, i64)>;
}

/// One read of an enterprise's filing values, as the reading use case records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRead {
    pub enterprise_id: i64,
    /// What was read, as a short code: `filing`, `filing_history`, `filings_export`,
    /// `indicator_drill`, `tier_check`.
    pub what: &'static str,
    /// Which of it: the form and period, the indicator and unit, the year.
    pub detail: String,
}

/// One recorded read, with the enterprise's name and credit code as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: i64,
    pub username: String,
    pub enterprise_id: i64,
    pub enterprise_name: Option<String>,
    pub credit_code: Option<String>,
    pub what: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct ReadQuery {
    /// The enterprise read, by its unified social credit code.
    pub credit_code: Option<String>,
    pub username: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// The trail of reads: who read which enterprise's filing values.
#[async_trait]
pub trait ReadAuditStore: Send + Sync {
    /// Records the reads of one request, all with the reader and time of `actor`.
    async fn record_reads(&self, reads: &[NewRead], actor: &Actor) -> StoreResult<()>;
    /// The reads, newest first, and the total that matches.
    async fn reads(&self, query: &ReadQuery) -> StoreResult<(Vec<ReadEntry>, i64)>;
    /// Deletes the reads recorded before `before` (unix seconds); how many went.
    async fn prune_reads(&self, before: i64) -> StoreResult<u64>;
}
