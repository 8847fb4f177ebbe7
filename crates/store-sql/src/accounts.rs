//! `AccountStore`: users, their bindings and their log-in counters, written once and
//! expanded for each database like the other areas; the rows it reads live here,
//! outside the template.

use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::{EnterpriseId, UnitId};
use innozone_store::{StoreResult, UserRecord};

use crate::model::corrupt;

/// The three binding columns of a user.
pub(crate) fn binding_columns(binding: Binding) -> (&'static str, Option<i64>, Option<i64>) {
    match binding {
        Binding::Everything => ("everything", None, None),
        Binding::Unit(u) => ("unit", Some(u.0), None),
        Binding::Enterprise(e) => ("enterprise", None, Some(e.0)),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub binding_kind: String,
    pub binding_unit_id: Option<i64>,
    pub binding_enterprise_id: Option<i64>,
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub must_change_password: bool,
    pub created_at: i64,
}

macro_rules! user_columns {
    () => {
        "id, username, display_name, role, binding_kind, binding_unit_id, binding_enterprise_id, \
         password_hash, active, failed_logins, locked_until, must_change_password, created_at"
    };
}

impl UserRow {
    pub fn into_user(self) -> StoreResult<UserRecord> {
        let binding = match (
            self.binding_kind.as_str(),
            self.binding_unit_id,
            self.binding_enterprise_id,
        ) {
            ("everything", _, _) => Binding::Everything,
            ("unit", Some(u), _) => Binding::Unit(UnitId(u)),
            ("enterprise", _, Some(e)) => Binding::Enterprise(EnterpriseId(e)),
            (kind, _, _) => return Err(corrupt("the binding", kind)),
        };
        Ok(UserRecord {
            id: self.id,
            username: Username::parse(&self.username)
                .map_err(|_| corrupt("the user name", &self.username))?,
            display_name: self.display_name,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("the role", &self.role))?,
            binding,
            password_hash: self.password_hash,
            active: self.active,
            failed_logins: self.failed_logins,
            locked_until: self.locked_until,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
        })
    }
}

macro_rules! sql_accounts {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod accounts_impl {
            use async_trait::async_trait;
            use innozone_domain::accounts::Username;
            use innozone_store::{
                AccountStore, Actor, Lockout, LoginCount, NewUser, StoreError, StoreResult, UserRecord, UserUpdate,
            };

            use super::$store;
            use super::audit_impl::{Change, audit};
            use crate::accounts::{UserRow, binding_columns};
            use crate::error::{db_error, keyed};
            use crate::model::to_json;

            type Conn = <$db as sqlx::Database>::Connection;
            async fn user_row(conn: &mut Conn, id: i64) -> StoreResult<UserRecord> {
                let row: Option<UserRow> =
                    sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(db_error)?;
                row.ok_or_else(|| StoreError::NotFound { entity: "user", key: id.to_string() })?.into_user()
            }

            /// `NotFound` unless the user exists: why a conditional update touched no row
            /// is asked only after it, and decides nothing.
            async fn exists(pool: &sqlx::Pool<$db>, id: i64) -> StoreResult<()> {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await
                    .map_err(db_error)?;
                found.map(|_| ()).ok_or_else(|| StoreError::NotFound { entity: "user", key: id.to_string() })
            }


            #[async_trait]
            impl AccountStore for $store {
                async fn create_user(&self, user: &NewUser, actor: &Actor) -> StoreResult<UserRecord> {
                    let mut tx = self.write().await?;
                    let at = actor.at;
                    let (kind, unit, enterprise) = binding_columns(user.binding);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (username, display_name, role, binding_kind, binding_unit_id, \
                         binding_enterprise_id, password_hash, active, failed_logins, locked_until, \
                         must_change_password, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, $9, $10) RETURNING id",
                    )
                    .bind(user.username.as_str())
                    .bind(user.display_name.as_str())
                    .bind(user.role.code())
                    .bind(kind)
                    .bind(unit)
                    .bind(enterprise)
                    .bind(user.password_hash.as_str())
                    .bind(true)
                    .bind(user.must_change_password)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(keyed("user", user.username.as_str()))?;
                    let record = UserRecord {
                        id,
                        username: user.username.clone(),
                        display_name: user.display_name.clone(),
                        role: user.role,
                        binding: user.binding,
                        password_hash: user.password_hash.clone(),
                        active: true,
                        failed_logins: 0,
                        locked_until: None,
                        must_change_password: user.must_change_password,
                        created_at: at,
                    };
                    let entry = Change {
                        action: "user.create",
                        entity: "user",
                        key: user.username.to_string(),
                        before: None,
                        after: Some(to_json(&record)),
                    };
                    audit(&mut tx, actor, entry).await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(record)
                }

                async fn user(&self, id: i64) -> StoreResult<Option<UserRecord>> {
                    let row: Option<UserRow> = sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    row.map(UserRow::into_user).transpose()
                }

                async fn user_by_username(&self, username: &Username) -> StoreResult<Option<UserRecord>> {
                    let row: Option<UserRow> =
                        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE username = $1"))
                            .bind(username.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                    row.map(UserRow::into_user).transpose()
                }

                async fn list_users(&self) -> StoreResult<Vec<UserRecord>> {
                    let rows: Vec<UserRow> = sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users ORDER BY username"))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.into_iter().map(UserRow::into_user).collect()
                }

                async fn update_user(&self, id: i64, update: &UserUpdate, actor: &Actor) -> StoreResult<UserRecord> {
                    let mut tx = self.write().await?;
                    let before = user_row(&mut tx, id).await?;
                    let after = UserRecord {
                        display_name: update.display_name.clone(),
                        role: update.role,
                        binding: update.binding,
                        active: update.active,
                        ..before.clone()
                    };
                    if after == before {
                        return Ok(before);
                    }
                    let (kind, unit, enterprise) = binding_columns(update.binding);
                    sqlx::query(
                        "UPDATE users SET display_name = $1, role = $2, binding_kind = $3, binding_unit_id = $4, \
                         binding_enterprise_id = $5, active = $6 WHERE id = $7",
                    )
                    .bind(update.display_name.as_str())
                    .bind(update.role.code())
                    .bind(kind)
                    .bind(unit)
                    .bind(enterprise)
                    .bind(update.active)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    let entry = Change {
                        action: "user.update",
                        entity: "user",
                        key: before.username.to_string(),
                        before: Some(to_json(&before)),
                        after: Some(to_json(&after)),
                    };
                    audit(&mut tx, actor, entry).await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(after)
                }

                async fn set_password(&self, id: i64, password_hash: &str, must_change: bool, actor: &Actor) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    let before = user_row(&mut tx, id).await?;
                    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
                        .bind(password_hash)
                        .bind(must_change)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    // The hash itself never enters the trail (`UserRecord` skips it when
                    // serialised); the entry records that, when and by whom it changed.
                    let after = UserRecord {
                        password_hash: password_hash.to_string(),
                        must_change_password: must_change,
                        ..before.clone()
                    };
                    let entry = Change {
                        action: "user.password",
                        entity: "user",
                        key: before.username.to_string(),
                        before: Some(to_json(&before)),
                        after: Some(to_json(&after)),
                    };
                    audit(&mut tx, actor, entry).await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(())
                }

                async fn record_login_failure(&self, id: i64, now: i64, lockout: Lockout) -> StoreResult<Option<LoginCount>> {
                    // Every right-hand side reads the row as it was before this statement,
                    // and the row is locked while it runs: the count after this failure is
                    // `earlier + 1`, or 1 when a lock ran out; the lock is decided from it.
                    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
                        "UPDATE users SET \
                         failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END, \
                         locked_until = CASE \
                           WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END) >= $2 THEN $3 \
                           ELSE NULL END \
                         WHERE id = $4 AND (locked_until IS NULL OR locked_until <= $1) \
                         RETURNING failed_logins, locked_until",
                    )
                    .bind(now)
                    .bind(lockout.max_failures)
                    .bind(lockout.until)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    match row {
                        Some((failed_logins, locked_until)) => Ok(Some(LoginCount { failed_logins, locked_until })),
                        None => {
                            exists(&self.pool, id).await?;
                            Ok(None)
                        }
                    }
                }

                async fn record_login_success(&self, id: i64, now: i64) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE users SET failed_logins = 0, locked_until = NULL \
                         WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        exists(&self.pool, id).await?;
                        return Ok(false);
                    }
                    Ok(true)
                }

                async fn clear_login_failures(&self, id: i64) -> StoreResult<()> {
                    let done = sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                        .bind(id)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound { entity: "user", key: id.to_string() });
                    }
                    Ok(())
                }

            }
        }
    };
}
