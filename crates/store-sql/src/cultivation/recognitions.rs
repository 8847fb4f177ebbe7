//! `RecognitionStore`, written once and expanded for each database like the other areas;
//! the rows it reads live here, outside the template. See the migration
//! `20260601000000_recognitions.sql` for how versions are kept.

use innozone_domain::registry::{CreditCode, EnterpriseId, Recognition, UnitId};
use innozone_store::{
    ListedRecognition, RecognitionRecord, RecognitionSource, Replaced, StoreResult,
};

use crate::model::{corrupt, parse_date, parse_opt_date, tier_from_code};

#[derive(sqlx::FromRow)]
pub(crate) struct RecognitionRow {
    pub tier: String,
    pub certificate_no: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
}

impl RecognitionRow {
    pub fn into_recognition(self) -> StoreResult<Recognition> {
        Ok(Recognition {
            tier: tier_from_code(&self.tier)?,
            certificate_no: self.certificate_no,
            issued_on: parse_date(&self.issued_on)?,
            expires_on: parse_opt_date(self.expires_on.as_deref())?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RecognitionRecordRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub tier: String,
    pub certificate_no: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
    pub authority: Option<String>,
    pub source: String,
    pub recorded_at: i64,
    pub recorded_by: String,
    pub replaced_at: Option<i64>,
    pub replaced_by: Option<String>,
}

impl RecognitionRecordRow {
    pub fn into_record(self) -> StoreResult<RecognitionRecord> {
        let source = RecognitionSource::from_code(&self.source)
            .ok_or_else(|| corrupt("the recognition source", &self.source))?;
        Ok(RecognitionRecord {
            id: self.id,
            enterprise: EnterpriseId(self.enterprise_id),
            recognition: Recognition {
                tier: tier_from_code(&self.tier)?,
                certificate_no: self.certificate_no,
                issued_on: parse_date(&self.issued_on)?,
                expires_on: self.expires_on.as_deref().map(parse_date).transpose()?,
            },
            authority: self.authority,
            source,
            recorded_at: self.recorded_at,
            recorded_by: self.recorded_by,
            replaced: match (self.replaced_at, self.replaced_by) {
                (Some(at), Some(by)) => Some(Replaced { at, by }),
                _ => None,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ListedRecognitionRow {
    #[sqlx(flatten)]
    pub record: RecognitionRecordRow,
    pub credit_code: String,
    pub name: String,
    pub park_id: Option<i64>,
}

impl ListedRecognitionRow {
    pub fn into_listed(self) -> StoreResult<ListedRecognition> {
        let credit_code = CreditCode::parse(&self.credit_code)
            .map_err(|_| corrupt("the credit code", &self.credit_code))?;
        Ok(ListedRecognition {
            record: self.record.into_record()?,
            credit_code,
            name: self.name,
            park: self.park_id.map(UnitId),
        })
    }
}

/// The columns of [`RecognitionRecordRow`] for a current version, from `recognitions r`.
macro_rules! current_recognition_columns {
    () => {
        "r.id, r.enterprise_id, r.tier, r.certificate_no, r.issued_on, r.expires_on, r.authority, r.source, \
         r.recorded_at, r.recorded_by, CAST(NULL AS BIGINT) AS replaced_at, CAST(NULL AS TEXT) AS replaced_by"
    };
}

/// The columns of [`RecognitionRecordRow`] for an earlier version, from
/// `recognition_revisions v`.
macro_rules! earlier_recognition_columns {
    () => {
        "v.recognition_id AS id, v.enterprise_id, v.tier, v.certificate_no, v.issued_on, v.expires_on, v.authority, \
         v.source, v.recorded_at, v.recorded_by, v.replaced_at, v.replaced_by"
    };
}

macro_rules! sql_recognitions {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod recognitions_impl {
            use std::collections::{HashMap, HashSet};

            use async_trait::async_trait;
            use innozone_domain::Date;
            use innozone_domain::registry::{EnterpriseId, Recognition, Tier};
            use innozone_store::{
                Actor, ListedRecognition, NewRecognition, RecognitionRecord, RecognitionStore, RecordedRecognitions,
                StoreError, StoreResult,
            };
            use sqlx::QueryBuilder;

            use super::$store;
            use crate::error::db_error;
            use crate::model::date_text;
            use crate::cultivation::recognitions::{ListedRecognitionRow, RecognitionRecordRow, RecognitionRow};

            /// Lists bound into `IN (…)` are cut into pieces of this size.
            const IN_LIST_CHUNK: usize = 1000;
            /// Rows per multi-row INSERT (10 values each).
            const INSERT_ROWS: usize = 2000;

            fn key(tier: Tier, certificate: &str) -> String {
                format!("{}/{}", tier.code(), certificate)
            }

            fn recognition_json(
                enterprise: EnterpriseId,
                r: &Recognition,
                authority: Option<&str>,
                source: &str,
            ) -> serde_json::Value {
                serde_json::json!({
                    "enterprise": enterprise.0,
                    "tier": r.tier.code(),
                    "certificate_no": r.certificate_no,
                    "issued_on": date_text(r.issued_on),
                    "expires_on": r.expires_on.map(date_text),
                    "authority": authority,
                    "source": source,
                })
            }

            #[async_trait]
            impl RecognitionStore for $store {
                async fn recognitions(&self, id: EnterpriseId) -> StoreResult<Vec<Recognition>> {
                    let rows: Vec<RecognitionRow> = sqlx::query_as(
                        "SELECT tier, certificate_no, issued_on, expires_on FROM recognitions \
                         WHERE enterprise_id = $1 ORDER BY issued_on, id",
                    )
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(RecognitionRow::into_recognition).collect()
                }

                async fn record_recognitions(
                    &self,
                    entries: &[NewRecognition],
                    actor: &Actor,
                ) -> StoreResult<RecordedRecognitions> {
                    if entries.is_empty() {
                        return Ok(RecordedRecognitions::default());
                    }
                    // The same certificate twice in one write.
                    let mut given = HashSet::new();
                    for e in entries {
                        if !given.insert((e.recognition.tier, e.recognition.certificate_no.as_str())) {
                            return Err(StoreError::Duplicate {
                                entity: "recognition",
                                key: key(e.recognition.tier, &e.recognition.certificate_no),
                            });
                        }
                    }
                    let mut tx = self.write().await?;
                    // Every enterprise must exist: the foreign key would refuse the row too,
                    // but could not say which.
                    let mut enterprises: Vec<i64> = entries.iter().map(|e| e.enterprise.0).collect();
                    enterprises.sort_unstable();
                    enterprises.dedup();
                    let mut found: HashSet<i64> = HashSet::with_capacity(enterprises.len());
                    for chunk in enterprises.chunks(IN_LIST_CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new("SELECT id FROM enterprises WHERE id IN (");
                        let mut list = qb.separated(", ");
                        for id in chunk {
                            list.push_bind(*id);
                        }
                        list.push_unseparated(")");
                        let ids: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *tx).await.map_err(db_error)?;
                        found.extend(ids);
                    }
                    if let Some(missing) = enterprises.iter().find(|e| !found.contains(e)) {
                        return Err(StoreError::NotFound { entity: "enterprise", key: missing.to_string() });
                    }
                    // What is recorded under the given certificates now.
                    let mut certificates: Vec<&str> =
                        entries.iter().map(|e| e.recognition.certificate_no.as_str()).collect();
                    certificates.sort_unstable();
                    certificates.dedup();
                    let mut stored: HashMap<(String, String), RecognitionRecordRow> = HashMap::new();
                    for chunk in certificates.chunks(IN_LIST_CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(concat!(
                            "SELECT ",
                            current_recognition_columns!(),
                            " FROM recognitions r WHERE r.certificate_no IN ("
                        ));
                        let mut list = qb.separated(", ");
                        for c in chunk {
                            list.push_bind(c.to_string());
                        }
                        list.push_unseparated(")");
                        let rows: Vec<RecognitionRecordRow> =
                            qb.build_query_as().fetch_all(&mut *tx).await.map_err(db_error)?;
                        for row in rows {
                            stored.insert((row.tier.clone(), row.certificate_no.clone()), row);
                        }
                    }
                    let at = actor.at;
                    let mut fresh = Vec::new();
                    let mut corrected = 0u64;
                    for e in entries {
                        let r = &e.recognition;
                        let current = stored.get(&(r.tier.code().to_string(), r.certificate_no.clone()));
                        let Some(id) = e.corrects else {
                            if current.is_some() {
                                return Err(StoreError::Duplicate {
                                    entity: "recognition",
                                    key: key(r.tier, &r.certificate_no),
                                });
                            }
                            fresh.push(e);
                            continue;
                        };
                        let Some(before) = current.filter(|c| c.id == id && c.enterprise_id == e.enterprise.0) else {
                            return Err(StoreError::NotFound { entity: "recognition", key: id.to_string() });
                        };
                        sqlx::query(
                            "INSERT INTO recognition_revisions (recognition_id, enterprise_id, tier, certificate_no, \
                             issued_on, expires_on, authority, source, recorded_at, recorded_by, replaced_at, replaced_by) \
                             SELECT id, enterprise_id, tier, certificate_no, issued_on, expires_on, authority, source, \
                             recorded_at, recorded_by, $1, $2 FROM recognitions WHERE id = $3",
                        )
                        .bind(at)
                        .bind(actor.name.as_str())
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        sqlx::query(
                            "UPDATE recognitions SET issued_on = $1, expires_on = $2, authority = $3, source = $4, \
                             recorded_at = $5, recorded_by = $6 WHERE id = $7",
                        )
                        .bind(date_text(r.issued_on))
                        .bind(r.expires_on.map(date_text))
                        .bind(e.authority.as_deref())
                        .bind(e.source.code())
                        .bind(at)
                        .bind(actor.name.as_str())
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        let before_json = recognition_json(
                            EnterpriseId(before.enterprise_id),
                            &Recognition {
                                tier: r.tier,
                                certificate_no: before.certificate_no.clone(),
                                issued_on: crate::model::parse_date(&before.issued_on)?,
                                expires_on: before.expires_on.as_deref().map(crate::model::parse_date).transpose()?,
                            },
                            before.authority.as_deref(),
                            &before.source,
                        );
                        sqlx::query(
                            "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_key, before_json, \
                             after_json) VALUES ($1, $2, $3, 'recognition.correct', 'recognition', $4, $5, $6)",
                        )
                        .bind(at)
                        .bind(actor.user_id)
                        .bind(actor.name.as_str())
                        .bind(key(r.tier, &r.certificate_no))
                        .bind(before_json.to_string())
                        .bind(recognition_json(e.enterprise, r, e.authority.as_deref(), e.source.code()).to_string())
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        corrected += 1;
                    }
                    for chunk in fresh.chunks(INSERT_ROWS) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO recognitions (enterprise_id, tier, certificate_no, issued_on, expires_on, \
                             authority, source, recorded_at, recorded_by) ",
                        );
                        qb.push_values(chunk, |mut b, e| {
                            let r = &e.recognition;
                            b.push_bind(e.enterprise.0)
                                .push_bind(r.tier.code())
                                .push_bind(r.certificate_no.clone())
                                .push_bind(date_text(r.issued_on))
                                .push_bind(r.expires_on.map(date_text))
                                .push_bind(e.authority.clone())
                                .push_bind(e.source.code())
                                .push_bind(at)
                                .push_bind(actor.name.clone());
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_key, before_json, \
                             after_json) ",
                        );
                        qb.push_values(chunk, |mut b, e| {
                            let r = &e.recognition;
                            b.push_bind(at)
                                .push_bind(actor.user_id)
                                .push_bind(actor.name.clone())
                                .push_bind("recognition.create")
                                .push_bind("recognition")
                                .push_bind(key(r.tier, &r.certificate_no))
                                .push_bind(None::<String>)
                                .push_bind(
                                    recognition_json(e.enterprise, r, e.authority.as_deref(), e.source.code())
                                        .to_string(),
                                );
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    tx.commit().await.map_err(db_error)?;
                    Ok(RecordedRecognitions { created: fresh.len() as u64, corrected })
                }

                async fn recognition_history(&self, enterprise: EnterpriseId) -> StoreResult<Vec<RecognitionRecord>> {
                    let current: Vec<RecognitionRecordRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        current_recognition_columns!(),
                        " FROM recognitions r WHERE r.enterprise_id = $1 ORDER BY r.issued_on, r.id"
                    ))
                    .bind(enterprise.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let earlier: Vec<RecognitionRecordRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        earlier_recognition_columns!(),
                        " FROM recognition_revisions v WHERE v.enterprise_id = $1 ORDER BY v.id"
                    ))
                    .bind(enterprise.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    current.into_iter().chain(earlier).map(RecognitionRecordRow::into_record).collect()
                }

                async fn recognitions_by_certificate(
                    &self,
                    keys: &[(Tier, String)],
                ) -> StoreResult<Vec<RecognitionRecord>> {
                    let wanted: HashSet<(Tier, &str)> = keys.iter().map(|(t, c)| (*t, c.as_str())).collect();
                    let mut certificates: Vec<&str> = keys.iter().map(|(_, c)| c.as_str()).collect();
                    certificates.sort_unstable();
                    certificates.dedup();
                    let mut out = Vec::new();
                    for chunk in certificates.chunks(IN_LIST_CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(concat!(
                            "SELECT ",
                            current_recognition_columns!(),
                            " FROM recognitions r WHERE r.certificate_no IN ("
                        ));
                        let mut list = qb.separated(", ");
                        for c in chunk {
                            list.push_bind(c.to_string());
                        }
                        list.push_unseparated(") ORDER BY r.id");
                        let rows: Vec<RecognitionRecordRow> =
                            qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                        for row in rows {
                            let record = row.into_record()?;
                            if wanted.contains(&(record.recognition.tier, record.recognition.certificate_no.as_str())) {
                                out.push(record);
                            }
                        }
                    }
                    Ok(out)
                }

                async fn recognitions_expiring(&self, from: Date, to: Date) -> StoreResult<Vec<ListedRecognition>> {
                    let rows: Vec<ListedRecognitionRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        current_recognition_columns!(),
                        ", e.credit_code, e.name, l.park_id FROM recognitions r \
                         JOIN enterprises e ON e.id = r.enterprise_id \
                         LEFT JOIN enterprise_locations l ON l.enterprise_id = r.enterprise_id AND l.until_date IS NULL \
                         WHERE r.expires_on >= $1 AND r.expires_on <= $2"
                    ))
                    .bind(date_text(from))
                    .bind(date_text(to))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let mut listed =
                        rows.into_iter().map(ListedRecognitionRow::into_listed).collect::<StoreResult<Vec<_>>>()?;
                    // By expiry, tier and certificate, whatever the database's collation.
                    listed.sort_by(|a, b| {
                        let (x, y) = (&a.record.recognition, &b.record.recognition);
                        (x.expires_on, x.tier, &x.certificate_no).cmp(&(y.expires_on, y.tier, &y.certificate_no))
                    });
                    Ok(listed)
                }
            }
        }
    };
}
