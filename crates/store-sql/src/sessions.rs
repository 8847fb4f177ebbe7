//! `SessionStore`: log-in sessions, written once and expanded for each database like
//! the other areas; the rows it reads live here, outside the template.

use innozone_store::SessionRecord;

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl SessionRow {
    pub fn into_session(self) -> SessionRecord {
        SessionRecord {
            token_hash: self.token_hash,
            user_id: self.user_id,
            csrf_token: self.csrf_token,
            created_at: self.created_at,
            expires_at: self.expires_at,
        }
    }
}

macro_rules! sql_sessions {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod sessions_impl {
            use async_trait::async_trait;
            use innozone_store::{SessionRecord, SessionStore, StoreResult};

            use super::$store;
            use crate::error::{db_error, keyed};
            use crate::sessions::SessionRow;

            #[async_trait]
            impl SessionStore for $store {
                async fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(session.token_hash.as_str())
                    .bind(session.user_id)
                    .bind(session.csrf_token.as_str())
                    .bind(session.created_at)
                    .bind(session.expires_at)
                    .execute(&self.pool)
                    .await
                    // The key is the caller's secret's hash: name the user instead.
                    .map_err(keyed("session", format!("of user {}", session.user_id)))?;
                    Ok(())
                }

                async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
                    let row: Option<SessionRow> = sqlx::query_as(
                        "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(SessionRow::into_session))
                }

                async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn delete_other_sessions(&self, user_id: i64, keep: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                        .bind(user_id)
                        .bind(keep)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

            }
        }
    };
}
