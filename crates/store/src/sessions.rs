//! Log-in sessions, by the hash of their token.

use async_trait::async_trait;

use crate::StoreResult;

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of the user.
    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<()>;
    /// Ends every session of the user but the one of `keep` (the token hash of the
    /// session that changed the password).
    async fn delete_other_sessions(&self, user_id: i64, keep: &str) -> StoreResult<()>;
}

/// A log-in session. Only the hash of the cookie's token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}
