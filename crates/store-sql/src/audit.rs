//! The audit trail: one writer that every area's writes call inside their own
//! transaction (its time is the actor's), and the read of the trail (`AuditStore`). The
//! rows it reads live here, outside the template.

use innozone_store::{AuditEntry, StoreResult};

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

macro_rules! sql_audit {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod audit_impl {
            use async_trait::async_trait;
            use innozone_store::{Actor, AuditEntry, AuditQuery, AuditStore, StoreResult};
            use sqlx::QueryBuilder;

            use super::$store;
            use crate::audit::AuditRow;
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
        }
    };
}
