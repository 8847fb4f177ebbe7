use serde::Serialize;

/// Who makes a change. `user_id` is `None` for the system itself (the example loader,
/// the first administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            name: "system".to_string(),
        }
    }

    pub fn user(user_id: i64, name: &str) -> Actor {
        Actor {
            user_id: Some(user_id),
            name: name.to_string(),
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
