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
