//! The audit trail: one writer that every area's writes call inside their own
//! transaction (its time is the actor's), and the read of the trail (`AuditStore`). The
//! rows it reads live here, outside the template.

use innozone_store::{AuditEntry, ReadEntry, StoreResult};

use crate::model::corrupt;

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl AuditRow {
    pub fn into_entry(self) -> StoreResult<AuditEntry> {
        let parse = |text: Option<String>| -> StoreResult<Option<serde_json::Value>> {
            text.map(|t| serde_json::from_str(&t).map_err(|_| corrupt("the audit record", &t)))
                .transpose()
        };
        Ok(AuditEntry {
            id: self.id,
            at: self.at,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            action: self.action,
            entity: self.entity,
            entity_key: self.entity_key,
            before: parse(self.before_json)?,
            after: parse(self.after_json)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReadRow {
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

impl From<ReadRow> for ReadEntry {
    fn from(r: ReadRow) -> ReadEntry {
        ReadEntry {
            id: r.id,
            at: r.at,
            user_id: r.user_id,
            username: r.username,
            enterprise_id: r.enterprise_id,
            enterprise_name: r.enterprise_name,
            credit_code: r.credit_code,
            what: r.what,
            detail: r.detail,
        }
    }
}

/// Reads written per statement: seven binds a row stays far below both backends' limits.
pub(crate) const READS_PER_STATEMENT: usize = 1000;

macro_rules! sql_audit {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod audit_impl {
            use async_trait::async_trait;
            use innozone_store::{
                Actor, AuditEntry, AuditQuery, AuditStore, NewRead, ReadAuditStore, ReadEntry,
                ReadQuery, StoreResult,
            };
            use sqlx::QueryBuilder;

            use super::$store;
            use crate::audit::{AuditRow, ReadRow, READS_PER_STATEMENT};
            use crate::error::db_error;
            use crate::model::push_condition;

            type Conn = <$db as sqlx::Database>::Connection;
            /// One line of the audit trail, written in the transaction of the change it
            /// records.
            pub(super) struct Change<'a> {
                pub(super) action: &'a str,
                pub(super) entity: &'a str,
                pub(super) key: String,
                pub(super) before: Option<serde_json::Value>,
                pub(super) after: Option<serde_json::Value>,
            }

            pub(super) async fn audit(conn: &mut Conn, actor: &Actor, change: Change<'_>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_key, before_json, after_json) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(actor.at)
                .bind(actor.user_id)
                .bind(actor.name.as_str())
                .bind(change.action)
                .bind(change.entity)
                .bind(change.key)
                .bind(change.before.map(|v| v.to_string()))
                .bind(change.after.map(|v| v.to_string()))
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            fn push_audit_filters(qb: &mut QueryBuilder<$db>, q: &AuditQuery) {
                let mut started = false;
                for (column, value) in
                    [("entity", &q.entity), ("entity_key", &q.entity_key), ("actor_name", &q.actor_name)]
                {
                    if let Some(v) = value {
                        push_condition(qb, &mut started);
                        qb.push(column).push(" = ").push_bind(v.clone());
                    }
                }
            }


            #[async_trait]
            impl AuditStore for $store {
                async fn audit(&self, query: &AuditQuery) -> StoreResult<(Vec<AuditEntry>, i64)> {
                    let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM audit_log");
                    push_audit_filters(&mut count, query);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(db_error)?;
                    let offset = query.offset.max(0);
                    if total == 0 || query.limit <= 0 || offset >= total {
                        return Ok((Vec::new(), total));
                    }
                    let mut page = QueryBuilder::<$db>::new(
                        "SELECT id, at, actor_id, actor_name, action, entity, entity_key, before_json, after_json FROM audit_log",
                    );
                    push_audit_filters(&mut page, query);
                    page.push(" ORDER BY at DESC, id DESC LIMIT ").push_bind(query.limit).push(" OFFSET ").push_bind(offset);
                    let rows: Vec<AuditRow> = page.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                    let entries = rows.into_iter().map(AuditRow::into_entry).collect::<StoreResult<Vec<_>>>()?;
                    Ok((entries, total))
                }
            }

            fn push_read_filters(qb: &mut QueryBuilder<$db>, q: &ReadQuery) {
                let mut started = false;
                if let Some(code) = &q.credit_code {
                    push_condition(qb, &mut started);
                    qb.push("e.credit_code = ").push_bind(code.clone());
                }
                if let Some(name) = &q.username {
                    push_condition(qb, &mut started);
                    qb.push("r.username = ").push_bind(name.clone());
                }
            }

            #[async_trait]
            impl ReadAuditStore for $store {
                async fn record_reads(&self, reads: &[NewRead], actor: &Actor) -> StoreResult<()> {
                    // Reads by the system (the example loader, a CLI run as operator) have no
                    // user to answer for them and are not kept.
                    let Some(user_id) = actor.user_id else { return Ok(()) };
                    if reads.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    for chunk in reads.chunks(READS_PER_STATEMENT) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO read_audit (at, user_id, username, enterprise_id, what, detail) ",
                        );
                        qb.push_values(chunk, |mut b, r| {
                            b.push_bind(actor.at)
                                .push_bind(user_id)
                                .push_bind(actor.name.clone())
                                .push_bind(r.enterprise_id)
                                .push_bind(r.what)
                                .push_bind(r.detail.clone());
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    tx.commit().await.map_err(db_error)?;
                    Ok(())
                }

                async fn reads(&self, query: &ReadQuery) -> StoreResult<(Vec<ReadEntry>, i64)> {
                    let mut count = QueryBuilder::<$db>::new(
                        "SELECT COUNT(*) FROM read_audit r LEFT JOIN enterprises e ON e.id = r.enterprise_id",
                    );
                    push_read_filters(&mut count, query);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(db_error)?;
                    let offset = query.offset.max(0);
                    if total == 0 || query.limit <= 0 || offset >= total {
                        return Ok((Vec::new(), total));
                    }
                    let mut page = QueryBuilder::<$db>::new(
                        "SELECT r.id, r.at, r.user_id, r.username, r.enterprise_id, \
                         e.name AS enterprise_name, e.credit_code, r.what, r.detail \
                         FROM read_audit r LEFT JOIN enterprises e ON e.id = r.enterprise_id",
                    );
                    push_read_filters(&mut page, query);
                    page.push(" ORDER BY r.at DESC, r.id DESC LIMIT ").push_bind(query.limit).push(" OFFSET ").push_bind(offset);
                    let rows: Vec<ReadRow> = page.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                    Ok((rows.into_iter().map(ReadEntry::from).collect(), total))
                }

                async fn prune_reads(&self, before: i64) -> StoreResult<u64> {
                    let done = sqlx::query("DELETE FROM read_audit WHERE at < $1")
                        .bind(before)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected())
                }
            }
        }
    };
}
