//! `EvaluationStore`, written once and expanded for each database like `registry.rs`,
//! `reporting.rs` and `monitoring.rs`; the rows it reads live here, outside the template.

use innozone_domain::registry::UnitId;
use innozone_store::{
    EvaluationInputRecord, EvaluationRunRecord, EvaluationRunSummary, SchemeRecord, StoreResult,
};

use crate::reporting_rows::period_from;

#[derive(sqlx::FromRow)]
pub(crate) struct SchemeRow {
    pub id: i64,
    pub code: String,
    pub source: String,
    pub saved_at: i64,
    pub saved_by: String,
}

impl SchemeRow {
    pub fn into_record(self) -> SchemeRecord {
        SchemeRecord {
            id: self.id,
            code: self.code,
            source: self.source,
            saved_at: self.saved_at,
            saved_by: self.saved_by,
        }
    }
}

/// The columns of [`SchemeRow`] from `evaluation_schemes s`.
macro_rules! scheme_columns {
    () => {
        "s.id, s.code, s.source, s.saved_at, s.saved_by"
    };
}

#[derive(sqlx::FromRow)]
pub(crate) struct EvaluationInputRow {
    pub id: i64,
    pub scheme: String,
    pub unit_id: i64,
    pub period: String,
    pub item: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub recorded_at: i64,
    pub recorded_by: String,
}

impl EvaluationInputRow {
    pub fn into_record(self) -> StoreResult<EvaluationInputRecord> {
        Ok(EvaluationInputRecord {
            id: self.id,
            scheme: self.scheme,
            unit: UnitId(self.unit_id),
            period: period_from(&self.period)?,
            item: self.item,
            value: self.value,
            note: self.note,
            recorded_at: self.recorded_at,
            recorded_by: self.recorded_by,
        })
    }
}

/// The columns of [`EvaluationInputRow`] from `evaluation_inputs i`.
macro_rules! evaluation_input_columns {
    () => {
        "i.id, i.scheme, i.unit_id, i.period, i.item, i.value, i.note, i.recorded_at, i.recorded_by"
    };
}

#[derive(sqlx::FromRow)]
pub(crate) struct RunSummaryRow {
    pub id: i64,
    pub scheme: String,
    pub scheme_version: i64,
    pub period: String,
    pub scope_id: i64,
    pub basis: String,
    pub inputs_digest: String,
    pub created_at: i64,
    pub created_by: String,
}

impl RunSummaryRow {
    pub fn into_summary(self) -> StoreResult<EvaluationRunSummary> {
        Ok(EvaluationRunSummary {
            id: self.id,
            scheme: self.scheme,
            scheme_version: self.scheme_version,
            period: period_from(&self.period)?,
            scope: UnitId(self.scope_id),
            basis: self.basis,
            inputs_digest: self.inputs_digest,
            created_at: self.created_at,
            created_by: self.created_by,
        })
    }
}

/// The columns of [`RunSummaryRow`] from `evaluation_runs r`.
macro_rules! run_summary_columns {
    () => {
        "r.id, r.scheme, r.scheme_version, r.period, r.scope_id, r.basis, r.inputs_digest, \
         r.created_at, r.created_by"
    };
}

#[derive(sqlx::FromRow)]
pub(crate) struct RunRow {
    #[sqlx(flatten)]
    pub summary: RunSummaryRow,
    pub inputs: String,
    pub result: String,
}

impl RunRow {
    pub fn into_record(self) -> StoreResult<EvaluationRunRecord> {
        Ok(EvaluationRunRecord {
            summary: self.summary.into_summary()?,
            inputs: self.inputs,
            result: self.result,
        })
    }
}

macro_rules! sql_evaluation {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod evaluation_impl {
            use std::collections::HashSet;

            use async_trait::async_trait;
            use innozone_domain::registry::UnitId;
            use innozone_domain::reporting::Period;
            use innozone_store::{
                Actor, EvaluationInputRecord, EvaluationRunRecord, EvaluationRunSummary, EvaluationStore,
                NewEvaluationInput, NewEvaluationRun, SchemeRecord, StoreError, StoreResult,
            };
            use sqlx::QueryBuilder;

            use super::$store;
            use super::reporting_impl::audit;
            use crate::error::db_error;
            use crate::evaluation::{EvaluationInputRow, RunRow, RunSummaryRow, SchemeRow};

            /// Rows per multi-row INSERT of inputs (8 values each).
            const INPUT_ROWS: usize = 2000;
            /// Lists bound into `IN (…)` are cut into pieces of this size.
            const IN_LIST_CHUNK: usize = 1000;

            /// Ordered by period, unit and item, as the trait promises: periods in their own
            /// order, not their text's, and codes by their bytes whatever the database's
            /// collation.
            fn sorted(mut records: Vec<EvaluationInputRecord>) -> Vec<EvaluationInputRecord> {
                records.sort_by(|a, b| (a.period, a.unit, &a.item).cmp(&(b.period, b.unit, &b.item)));
                records
            }

            #[async_trait]
            impl EvaluationStore for $store {
                async fn save_scheme(&self, code: &str, source: &str, actor: &Actor) -> StoreResult<SchemeRecord> {
                    let mut tx = self.write().await?;
                    let at = actor.at;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO evaluation_schemes (code, source, saved_at, saved_by) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(code)
                    .bind(source)
                    .bind(at)
                    .bind(actor.name.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    audit(
                        &mut tx,
                        actor,
                        "evaluation_scheme.save",
                        code.to_string(),
                        serde_json::json!({"version": id, "length": source.chars().count()}),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(SchemeRecord {
                        id,
                        code: code.to_string(),
                        source: source.to_string(),
                        saved_at: at,
                        saved_by: actor.name.clone(),
                    })
                }

                async fn latest_scheme(&self, code: &str) -> StoreResult<Option<SchemeRecord>> {
                    let row: Option<SchemeRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        scheme_columns!(),
                        " FROM evaluation_schemes s WHERE s.code = $1 ORDER BY s.id DESC LIMIT 1"
                    ))
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(SchemeRow::into_record))
                }

                async fn scheme_version(&self, id: i64) -> StoreResult<Option<SchemeRecord>> {
                    let row: Option<SchemeRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        scheme_columns!(),
                        " FROM evaluation_schemes s WHERE s.id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(SchemeRow::into_record))
                }

                async fn scheme_versions(&self, code: &str) -> StoreResult<Vec<SchemeRecord>> {
                    let rows: Vec<SchemeRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        scheme_columns!(),
                        " FROM evaluation_schemes s WHERE s.code = $1 ORDER BY s.id DESC"
                    ))
                    .bind(code)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(SchemeRow::into_record).collect())
                }

                async fn latest_schemes(&self) -> StoreResult<Vec<SchemeRecord>> {
                    let rows: Vec<SchemeRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        scheme_columns!(),
                        " FROM evaluation_schemes s WHERE NOT EXISTS \
                         (SELECT 1 FROM evaluation_schemes t WHERE t.code = s.code AND t.id > s.id)"
                    ))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    // By the codes' bytes, whatever the database's collation.
                    let mut records: Vec<SchemeRecord> = rows.into_iter().map(SchemeRow::into_record).collect();
                    records.sort_by(|a, b| a.code.cmp(&b.code));
                    Ok(records)
                }

                async fn record_evaluation_inputs(
                    &self,
                    entries: &[NewEvaluationInput],
                    actor: &Actor,
                ) -> StoreResult<u64> {
                    if entries.is_empty() {
                        return Ok(0);
                    }
                    let mut tx = self.write().await?;
                    // Every unit must exist before anything is written: the foreign key would
                    // refuse the statement too, but could not say which unit.
                    let mut units: Vec<i64> = entries.iter().map(|e| e.unit.0).collect();
                    units.sort_unstable();
                    units.dedup();
                    let mut found: HashSet<i64> = HashSet::with_capacity(units.len());
                    for chunk in units.chunks(IN_LIST_CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new("SELECT id FROM units WHERE id IN (");
                        let mut list = qb.separated(", ");
                        for id in chunk {
                            list.push_bind(*id);
                        }
                        list.push_unseparated(")");
                        let ids: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *tx).await.map_err(db_error)?;
                        found.extend(ids);
                    }
                    if let Some(missing) = units.iter().find(|u| !found.contains(u)) {
                        return Err(StoreError::NotFound { entity: "unit", key: missing.to_string() });
                    }
                    let at = actor.at;
                    for chunk in entries.chunks(INPUT_ROWS) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO evaluation_inputs (scheme, unit_id, period, item, value, note, recorded_at, recorded_by) ",
                        );
                        qb.push_values(chunk, |mut b, e| {
                            b.push_bind(e.scheme.as_str())
                                .push_bind(e.unit.0)
                                .push_bind(e.period.to_string())
                                .push_bind(e.item.as_str())
                                .push_bind(e.value)
                                .push_bind(e.note.as_deref())
                                .push_bind(at)
                                .push_bind(actor.name.as_str());
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    let mut schemes: Vec<&str> = entries.iter().map(|e| e.scheme.as_str()).collect();
                    schemes.sort_unstable();
                    schemes.dedup();
                    let mut periods: Vec<Period> = entries.iter().map(|e| e.period).collect();
                    periods.sort_unstable();
                    periods.dedup();
                    let mut items: Vec<&str> = entries.iter().map(|e| e.item.as_str()).collect();
                    items.sort_unstable();
                    items.dedup();
                    audit(
                        &mut tx,
                        actor,
                        "evaluation_inputs.record",
                        schemes.join(","),
                        serde_json::json!({
                            "entries": entries.len(),
                            "units": units.len(),
                            "cleared": entries.iter().filter(|e| e.value.is_none()).count(),
                            "periods": periods.iter().map(Period::to_string).collect::<Vec<_>>(),
                            "items": items,
                        }),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(entries.len() as u64)
                }

                async fn evaluation_inputs(
                    &self,
                    scheme: &str,
                    periods: &[Period],
                ) -> StoreResult<Vec<EvaluationInputRecord>> {
                    // An entry is current when no later entry of its scheme, period, unit and
                    // item exists; the index on (scheme, period, unit_id, item, id) answers both.
                    let query = |qb: &mut QueryBuilder<$db>| {
                        qb.push(concat!(
                            "SELECT ",
                            evaluation_input_columns!(),
                            " FROM evaluation_inputs i WHERE i.value IS NOT NULL AND NOT EXISTS \
                             (SELECT 1 FROM evaluation_inputs j WHERE j.scheme = i.scheme AND j.period = i.period \
                             AND j.unit_id = i.unit_id AND j.item = i.item AND j.id > i.id) AND i.scheme = "
                        ));
                        qb.push_bind(scheme.to_string());
                    };
                    let mut rows: Vec<EvaluationInputRow> = Vec::new();
                    if periods.is_empty() {
                        let mut qb = QueryBuilder::<$db>::new("");
                        query(&mut qb);
                        rows = qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                    } else {
                        let mut texts: Vec<String> = periods.iter().map(Period::to_string).collect();
                        texts.sort_unstable();
                        texts.dedup();
                        for chunk in texts.chunks(IN_LIST_CHUNK) {
                            let mut qb = QueryBuilder::<$db>::new("");
                            query(&mut qb);
                            qb.push(" AND i.period IN (");
                            let mut list = qb.separated(", ");
                            for p in chunk {
                                list.push_bind(p.clone());
                            }
                            list.push_unseparated(")");
                            let more: Vec<EvaluationInputRow> =
                                qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                            rows.extend(more);
                        }
                    }
                    let records =
                        rows.into_iter().map(EvaluationInputRow::into_record).collect::<StoreResult<Vec<_>>>()?;
                    Ok(sorted(records))
                }

                async fn evaluation_input_history(
                    &self,
                    scheme: &str,
                    unit: UnitId,
                    item: &str,
                ) -> StoreResult<Vec<EvaluationInputRecord>> {
                    let rows: Vec<EvaluationInputRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        evaluation_input_columns!(),
                        " FROM evaluation_inputs i WHERE i.scheme = $1 AND i.unit_id = $2 AND i.item = $3 ORDER BY i.id"
                    ))
                    .bind(scheme)
                    .bind(unit.0)
                    .bind(item)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(EvaluationInputRow::into_record).collect()
                }

                async fn save_evaluation_run(
                    &self,
                    run: &NewEvaluationRun,
                    actor: &Actor,
                ) -> StoreResult<EvaluationRunSummary> {
                    let mut tx = self.write().await?;
                    // The version must be one of the run's scheme, and the scope a unit: the
                    // foreign keys would refuse the row too, but could not say which.
                    let version: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM evaluation_schemes WHERE id = $1 AND code = $2")
                            .bind(run.scheme_version)
                            .bind(run.scheme.as_str())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    if version.is_none() {
                        return Err(StoreError::NotFound {
                            entity: "evaluation_scheme",
                            key: format!("{}/{}", run.scheme, run.scheme_version),
                        });
                    }
                    let scope: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
                        .bind(run.scope.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if scope.is_none() {
                        return Err(StoreError::NotFound { entity: "unit", key: run.scope.0.to_string() });
                    }
                    let at = actor.at;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO evaluation_runs (scheme, scheme_version, period, scope_id, basis, inputs_digest, \
                         inputs, result, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(run.scheme.as_str())
                    .bind(run.scheme_version)
                    .bind(run.period.to_string())
                    .bind(run.scope.0)
                    .bind(run.basis.as_str())
                    .bind(run.inputs_digest.as_str())
                    .bind(run.inputs.as_str())
                    .bind(run.result.as_str())
                    .bind(at)
                    .bind(actor.name.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    audit(
                        &mut tx,
                        actor,
                        "evaluation_run.save",
                        id.to_string(),
                        serde_json::json!({
                            "scheme": run.scheme,
                            "scheme_version": run.scheme_version,
                            "period": run.period.to_string(),
                            "scope": run.scope.0,
                            "basis": run.basis,
                            "inputs_digest": run.inputs_digest,
                        }),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(EvaluationRunSummary {
                        id,
                        scheme: run.scheme.clone(),
                        scheme_version: run.scheme_version,
                        period: run.period,
                        scope: run.scope,
                        basis: run.basis.clone(),
                        inputs_digest: run.inputs_digest.clone(),
                        created_at: at,
                        created_by: actor.name.clone(),
                    })
                }

                async fn evaluation_run(&self, id: i64) -> StoreResult<Option<EvaluationRunRecord>> {
                    let row: Option<RunRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        run_summary_columns!(),
                        ", r.inputs, r.result FROM evaluation_runs r WHERE r.id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    row.map(RunRow::into_record).transpose()
                }

                async fn evaluation_runs(&self, scheme: Option<&str>) -> StoreResult<Vec<EvaluationRunSummary>> {
                    let rows: Vec<RunSummaryRow> = match scheme {
                        Some(scheme) => sqlx::query_as(concat!(
                            "SELECT ",
                            run_summary_columns!(),
                            " FROM evaluation_runs r WHERE r.scheme = $1 ORDER BY r.id DESC"
                        ))
                        .bind(scheme)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?,
                        None => sqlx::query_as(concat!(
                            "SELECT ",
                            run_summary_columns!(),
                            " FROM evaluation_runs r ORDER BY r.id DESC"
                        ))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?,
                    };
                    rows.into_iter().map(RunSummaryRow::into_summary).collect()
                }
            }
        }
    };
}
