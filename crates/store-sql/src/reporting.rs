//! `ReportingStore`, written once and expanded for each database like `registry.rs`.

macro_rules! sql_reporting {
    (store: $store:ident, db: $db:ty, analyze_after_upload: $analyze:expr $(,)?) => {
        mod reporting_impl {
            use std::collections::HashMap;

            use async_trait::async_trait;
            use innozone_domain::Date;
            use innozone_domain::registry::{CreditCode, EnterpriseId, UnitId};
            use innozone_domain::reporting::{Completeness, FilingAction, Form, Period};
            use innozone_store::{
                Actor, ClosureRecord, FilingRecord, NewRevision, PeriodRecord, Progress, ReportingStore,
                RevisionRecord, StoreError, StoreResult,
            };
            use sqlx::QueryBuilder;

            use super::$store;
            use crate::error::db_error;
            use crate::model::{corrupt, date_text, parse_date};
            use crate::reporting_rows::{
                FilingRow, Layouts, RevisionRow, encode_values, filing_columns, period_from, version_from,
            };

            type Tx = sqlx::Transaction<'static, $db>;

            /// Rows per multi-row INSERT: revisions bind 12 values each.
            const REVISION_ROWS: usize = 2000;
            const FILING_ROWS: usize = 3000;
            /// Revisions recorded at once past which the database gathers fresh statistics
            /// on the filings (see `analyze_after_upload`).
            const LARGE_UPLOAD: usize = 5_000;

            fn json<T: serde::Serialize>(value: &T) -> String {
                serde_json::to_string(value).expect("maps of numbers and text serialise")
            }

            fn conflict(r: &NewRevision) -> StoreError {
                StoreError::Conflict {
                    entity: "filing",
                    key: format!("{}/{}/{}", r.form_code, r.period, r.enterprise.0),
                }
            }

            /// One audit entry; its entity is what `action` names before the dot
            /// (`form.create` → `form`, `period.close` → `period`, `filing.record` → `filing`).
            pub(super) async fn audit(tx: &mut Tx, actor: &Actor, action: &str, key: String, after: serde_json::Value) -> StoreResult<()> {
                let entity = action.split_once('.').map_or(action, |(entity, _)| entity);
                let change = super::audit_impl::Change { action, entity, key, before: None, after: Some(after) };
                super::audit_impl::audit(&mut **tx, actor, change).await
            }

            /// Appends the revisions and moves the filings, in the caller's transaction.
            async fn record(tx: &mut Tx, revisions: &[NewRevision], actor: &Actor, progress: Progress<'_>) -> StoreResult<()> {
                // New filings first, in multi-row statements; their ids come back with the
                // key they were inserted under, whatever order the database returns them in.
                let mut ids: HashMap<(&str, String, i64), i64> = HashMap::new();
                let fresh: Vec<&NewRevision> = revisions.iter().filter(|r| r.after_revision == 0).collect();
                let mut forms: Vec<&str> = fresh.iter().map(|r| r.form_code.as_str()).collect();
                forms.sort_unstable();
                forms.dedup();
                for chunk in fresh.chunks(FILING_ROWS) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO filings (form_code, period, enterprise_id, form_version, status, locked, revision, \
                         first_submitted_at, updated_at) ",
                    );
                    qb.push_values(chunk, |mut b, r| {
                        b.push_bind(r.form_code.as_str())
                            .push_bind(r.period.to_string())
                            .push_bind(r.enterprise.0)
                            .push_bind(i64::from(r.form_version))
                            .push_bind(r.state.status.code())
                            .push_bind(r.state.locked)
                            .push_bind(1_i32)
                            .push_bind((r.action == FilingAction::Submit).then_some(r.at))
                            .push_bind(r.at);
                    });
                    qb.push(" RETURNING id, form_code, period, enterprise_id");
                    let rows: Vec<(i64, String, String, i64)> = qb.build_query_as().fetch_all(&mut **tx).await.map_err(|e| {
                        match db_error(e) {
                            StoreError::Duplicate { .. } => conflict(chunk[0]),
                            other => other,
                        }
                    })?;
                    for (id, form, period, enterprise) in rows {
                        // A batch holds few forms: find the caller's copy of the code among them.
                        let form = forms.iter().copied().find(|f| *f == form).unwrap_or("");
                        ids.insert((form, period, enterprise), id);
                    }
                }
                // Then steps on existing filings, each guarded by the revision it follows.
                let mut numbered: Vec<(i64, i32, &NewRevision)> = Vec::with_capacity(revisions.len());
                let mut next: HashMap<i64, i32> = HashMap::new();
                for r in revisions {
                    if r.after_revision == 0 {
                        let key = (r.form_code.as_str(), r.period.to_string(), r.enterprise.0);
                        let id = *ids.get(&key).ok_or_else(|| conflict(r))?;
                        if next.insert(id, 1).is_some() {
                            return Err(conflict(r));
                        }
                        numbered.push((id, 1, r));
                        continue;
                    }
                    let number = r.after_revision + 1;
                    let id: Option<i64> = sqlx::query_scalar(
                        "UPDATE filings SET status = $1, locked = $2, revision = $3, form_version = $4, \
                         first_submitted_at = COALESCE(first_submitted_at, $5), updated_at = $6 \
                         WHERE form_code = $7 AND period = $8 AND enterprise_id = $9 AND revision = $10 RETURNING id",
                    )
                    .bind(r.state.status.code())
                    .bind(r.state.locked)
                    .bind(number)
                    .bind(i64::from(r.form_version))
                    .bind((r.action == FilingAction::Submit).then_some(r.at))
                    .bind(r.at)
                    .bind(r.form_code.as_str())
                    .bind(r.period.to_string())
                    .bind(r.enterprise.0)
                    .bind(r.after_revision)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_error)?;
                    let id = id.ok_or_else(|| conflict(r))?;
                    numbered.push((id, number, r));
                }
                let mut keys: Vec<(String, i32)> =
                    revisions.iter().map(|r| (r.form_code.clone(), r.form_version as i32)).collect();
                keys.sort_unstable();
                keys.dedup();
                let layouts = layouts(&mut **tx, keys).await?;
                let mut encoded = Vec::with_capacity(numbered.len());
                for (_, _, r) in &numbered {
                    let codes = &layouts[&(r.form_code.clone(), r.form_version as i32)];
                    encoded.push(encode_values(codes, &r.values)?);
                }
                let mut done = 0_u64;
                for (chunk, values) in numbered.chunks(REVISION_ROWS).zip(encoded.chunks(REVISION_ROWS)) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO filing_revisions (filing_id, number, action, status, locked, form_version, values_json, \
                         explanations_json, note, actor_id, actor_name, at) ",
                    );
                    qb.push_values(chunk.iter().zip(values), |mut b, ((id, number, r), values)| {
                        let who = r.actor.as_ref().unwrap_or(actor);
                        b.push_bind(*id)
                            .push_bind(*number)
                            .push_bind(r.action.code())
                            .push_bind(r.state.status.code())
                            .push_bind(r.state.locked)
                            .push_bind(i64::from(r.form_version))
                            .push_bind(values.as_str())
                            .push_bind(json(&r.explanations))
                            .push_bind(r.note.clone())
                            .push_bind(who.user_id)
                            .push_bind(who.name.clone())
                            .push_bind(r.at);
                    });
                    qb.build().execute(&mut **tx).await.map_err(|e| match db_error(e) {
                        StoreError::Duplicate { .. } => conflict(chunk[0].2),
                        other => other,
                    })?;
                    done += chunk.len() as u64;
                    progress(done);
                }
                // Each period counts the revisions appended to its filings, in this same
                // transaction: what `filings_fingerprint` reads. In key order, so that two
                // writers of several periods on PostgreSQL lock their rows in one order.
                let mut appended: Vec<((&str, String), i64)> = Vec::new();
                for r in revisions {
                    let key = (r.form_code.as_str(), r.period.to_string());
                    match appended.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, n)) => *n += 1,
                        None => appended.push((key, 1)),
                    }
                }
                appended.sort_unstable();
                for ((form_code, period), n) in appended {
                    sqlx::query("UPDATE report_periods SET revisions = revisions + $1 WHERE form_code = $2 AND period = $3")
                        .bind(n)
                        .bind(form_code)
                        .bind(period)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                }
                Ok(())
            }

            /// The field order of each form version named in `keys`.
            pub(super) async fn layouts(
                conn: &mut <$db as sqlx::Database>::Connection,
                keys: Vec<(String, i32)>,
            ) -> StoreResult<Layouts> {
                let mut layouts = Layouts::new();
                for key in keys {
                    if layouts.contains_key(&key) {
                        continue;
                    }
                    let text: Option<String> =
                        sqlx::query_scalar("SELECT definition FROM report_forms WHERE code = $1 AND version = $2")
                            .bind(key.0.as_str())
                            // The same statement binds an i64 elsewhere: PostgreSQL's cached
                            // statement would otherwise read a 4-byte value as 8.
                            .bind(i64::from(key.1))
                            .fetch_optional(&mut *conn)
                            .await
                            .map_err(db_error)?;
                    let text = text.ok_or_else(|| corrupt("the form version", &format!("{} v{}", key.0, key.1)))?;
                    let form = Form::parse(&text).map_err(|e| corrupt("the form definition", &e.to_string()))?;
                    layouts.insert(key, form.fields.into_iter().map(|f| f.code).collect());
                }
                Ok(layouts)
            }

            async fn read_filings(qb: &mut QueryBuilder<$db>, pool: &sqlx::Pool<$db>) -> StoreResult<Vec<FilingRecord>> {
                let rows: Vec<FilingRow> = qb.build_query_as().fetch_all(pool).await.map_err(db_error)?;
                let mut conn = pool.acquire().await.map_err(db_error)?;
                let layouts = layouts(&mut conn, rows.iter().map(|r| (r.form_code.clone(), r.form_version)).collect()).await?;
                rows.into_iter().map(|r| r.into_record(&layouts)).collect()
            }

            fn filings_query() -> QueryBuilder<$db> {
                QueryBuilder::new(concat!(
                    "SELECT ",
                    filing_columns!(),
                    " FROM filings f JOIN filing_revisions r ON r.filing_id = f.id AND r.number = f.revision WHERE "
                ))
            }

            #[async_trait]
            impl ReportingStore for $store {
                async fn save_form(&self, form: &Form, actor: &Actor) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    let stored: Option<String> =
                        sqlx::query_scalar("SELECT definition FROM report_forms WHERE code = $1 AND version = $2")
                            .bind(form.code.as_str())
                            .bind(i64::from(form.version))
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    match stored {
                        Some(text) if text == form.source => return Ok(()),
                        Some(_) => {
                            return Err(StoreError::Duplicate {
                                entity: "form",
                                key: format!("{} v{}", form.code, form.version),
                            });
                        }
                        None => {}
                    }
                    sqlx::query(
                        "INSERT INTO report_forms (code, version, name_zh, period_type, definition, created_at, created_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(form.code.as_str())
                    .bind(i64::from(form.version))
                    .bind(form.name_zh.as_str())
                    .bind(form.period_type.code())
                    .bind(form.source.as_str())
                    .bind(actor.at)
                    .bind(actor.name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    audit(
                        &mut tx,
                        actor,
                        "form.create",
                        format!("{} v{}", form.code, form.version),
                        serde_json::json!({"code": form.code, "version": form.version, "name": form.name_zh}),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)
                }

                async fn forms(&self) -> StoreResult<Vec<Form>> {
                    let texts: Vec<String> = sqlx::query_scalar(
                        "SELECT definition FROM report_forms f \
                         WHERE version = (SELECT MAX(version) FROM report_forms g WHERE g.code = f.code) ORDER BY code",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    texts.iter().map(|t| Form::parse(t).map_err(|e| corrupt("the form definition", &e.to_string()))).collect()
                }

                async fn form(&self, code: &str, version: u32) -> StoreResult<Option<Form>> {
                    let text: Option<String> =
                        sqlx::query_scalar("SELECT definition FROM report_forms WHERE code = $1 AND version = $2")
                            .bind(code)
                            .bind(i64::from(version))
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                    text.map(|t| Form::parse(&t).map_err(|e| corrupt("the form definition", &e.to_string())))
                        .transpose()
                }

                async fn form_versions(&self, code: &str) -> StoreResult<Vec<u32>> {
                    let versions: Vec<i32> =
                        sqlx::query_scalar("SELECT version FROM report_forms WHERE code = $1 ORDER BY version")
                            .bind(code)
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    versions.into_iter().map(version_from).collect()
                }

                async fn save_period(&self, period: &PeriodRecord, actor: &Actor) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    sqlx::query(
                        "INSERT INTO report_periods (form_code, period, form_version, deadline) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (form_code, period) DO UPDATE SET deadline = excluded.deadline",
                    )
                    .bind(period.form_code.as_str())
                    .bind(period.period.to_string())
                    .bind(i64::from(period.form_version))
                    .bind(date_text(period.deadline))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    audit(
                        &mut tx,
                        actor,
                        "period.save",
                        format!("{}/{}", period.form_code, period.period),
                        serde_json::json!({"form_version": period.form_version, "deadline": date_text(period.deadline)}),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)
                }

                async fn periods(&self, form_code: &str) -> StoreResult<Vec<PeriodRecord>> {
                    let rows: Vec<(String, String, i32, String)> = sqlx::query_as(
                        "SELECT form_code, period, form_version, deadline FROM report_periods WHERE form_code = $1",
                    )
                    .bind(form_code)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let mut periods = rows.into_iter().map(period_record).collect::<StoreResult<Vec<_>>>()?;
                    periods.sort_by(|a, b| b.period.cmp(&a.period));
                    Ok(periods)
                }

                async fn period(&self, form_code: &str, period: Period) -> StoreResult<Option<PeriodRecord>> {
                    let row: Option<(String, String, i32, String)> = sqlx::query_as(
                        "SELECT form_code, period, form_version, deadline FROM report_periods WHERE form_code = $1 AND period = $2",
                    )
                    .bind(form_code)
                    .bind(period.to_string())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    row.map(period_record).transpose()
                }

                async fn closures(&self, form_code: &str, period: Period) -> StoreResult<Vec<ClosureRecord>> {
                    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                        "SELECT unit_id, closed_at, closed_by FROM period_closures WHERE form_code = $1 AND period = $2 \
                         ORDER BY closed_at",
                    )
                    .bind(form_code)
                    .bind(period.to_string())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows
                        .into_iter()
                        .map(|(unit, at, actor_name)| ClosureRecord { unit: UnitId(unit), at, actor_name })
                        .collect())
                }

                async fn close_period(
                    &self,
                    form_code: &str,
                    period: Period,
                    unit: UnitId,
                    locks: &[NewRevision],
                    actor: &Actor,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    let at = actor.at;
                    sqlx::query(
                        "INSERT INTO period_closures (form_code, period, unit_id, closed_at, closed_by) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(form_code)
                    .bind(period.to_string())
                    .bind(unit.0)
                    .bind(at)
                    .bind(actor.name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match db_error(e) {
                        StoreError::Duplicate { .. } => StoreError::Duplicate {
                            entity: "closure",
                            key: format!("{form_code}/{period}/{}", unit.0),
                        },
                        other => other,
                    })?;
                    record(&mut tx, locks, actor, &|_| {}).await?;
                    audit(
                        &mut tx,
                        actor,
                        "period.close",
                        format!("{form_code}/{period}"),
                        serde_json::json!({"unit": unit.0, "locked": locks.len()}),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)
                }

                async fn record_revisions(
                    &self,
                    revisions: &[NewRevision],
                    actor: &Actor,
                    progress: Progress<'_>,
                ) -> StoreResult<u64> {
                    if revisions.is_empty() {
                        return Ok(0);
                    }
                    let mut tx = self.write().await?;
                    record(&mut tx, revisions, actor, progress).await?;
                    let first = &revisions[0];
                    let mut actions: Vec<&str> = revisions.iter().map(|r| r.action.code()).collect();
                    actions.sort_unstable();
                    actions.dedup();
                    let key = if revisions.len() == 1 {
                        format!("{}/{}/{}", first.form_code, first.period, first.enterprise.0)
                    } else {
                        format!("{}/{}", first.form_code, first.period)
                    };
                    audit(
                        &mut tx,
                        actor,
                        "filing.record",
                        key,
                        serde_json::json!({"revisions": revisions.len(), "actions": actions}),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)?;
                    let analyze: Option<&'static str> = $analyze;
                    if let Some(statement) = analyze.filter(|_| revisions.len() >= LARGE_UPLOAD) {
                        // Committed whatever happens here: a failure only leaves the planner
                        // with older statistics until the database gathers new ones.
                        let _ = sqlx::raw_sql(statement).execute(&self.pool).await;
                    }
                    Ok(revisions.len() as u64)
                }

                async fn filing(
                    &self,
                    form_code: &str,
                    period: Period,
                    enterprise: EnterpriseId,
                ) -> StoreResult<Option<FilingRecord>> {
                    let mut qb = filings_query();
                    qb.push("f.form_code = ")
                        .push_bind(form_code.to_string())
                        .push(" AND f.period = ")
                        .push_bind(period.to_string())
                        .push(" AND f.enterprise_id = ")
                        .push_bind(enterprise.0);
                    Ok(read_filings(&mut qb, &self.pool).await?.pop())
                }

                async fn filing_by_id(&self, id: i64) -> StoreResult<Option<FilingRecord>> {
                    let mut qb = filings_query();
                    qb.push("f.id = ").push_bind(id);
                    Ok(read_filings(&mut qb, &self.pool).await?.pop())
                }

                async fn filings(
                    &self,
                    form_code: &str,
                    period: Period,
                    enterprises: Option<&[EnterpriseId]>,
                ) -> StoreResult<Vec<FilingRecord>> {
                    let base = |qb: &mut QueryBuilder<$db>| {
                        qb.push("f.form_code = ")
                            .push_bind(form_code.to_string())
                            .push(" AND f.period = ")
                            .push_bind(period.to_string());
                    };
                    match enterprises {
                        None => {
                            let mut qb = filings_query();
                            base(&mut qb);
                            read_filings(&mut qb, &self.pool).await
                        }
                        Some(list) => {
                            let mut out = Vec::new();
                            for chunk in list.chunks(1000) {
                                let mut qb = filings_query();
                                base(&mut qb);
                                qb.push(" AND f.enterprise_id IN (");
                                let mut ids = qb.separated(", ");
                                for e in chunk {
                                    ids.push_bind(e.0);
                                }
                                ids.push_unseparated(")");
                                out.extend(read_filings(&mut qb, &self.pool).await?);
                            }
                            Ok(out)
                        }
                    }
                }

                async fn revisions(&self, filing_id: i64) -> StoreResult<Vec<RevisionRecord>> {
                    let rows: Vec<RevisionRow> = sqlx::query_as(
                        "SELECT r.filing_id, f.form_code, r.number, r.action, r.status, r.locked, r.form_version, \
                         r.values_json, r.explanations_json, r.note, r.actor_id, r.actor_name, r.at \
                         FROM filing_revisions r JOIN filings f ON f.id = r.filing_id WHERE r.filing_id = $1 ORDER BY r.number",
                    )
                    .bind(filing_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let mut conn = self.pool.acquire().await.map_err(db_error)?;
                    let layouts = layouts(&mut conn, rows.iter().map(|r| (r.form_code.clone(), r.form_version)).collect()).await?;
                    rows.into_iter().map(|r| r.into_record(&layouts)).collect()
                }

                async fn enterprise_ids(&self, codes: &[CreditCode]) -> StoreResult<HashMap<CreditCode, EnterpriseId>> {
                    let mut found = HashMap::with_capacity(codes.len());
                    // Past a few thousand codes one pass over the table beats lists of ids.
                    if codes.len() > 5_000 {
                        let wanted: HashMap<&str, &CreditCode> = codes.iter().map(|c| (c.as_str(), c)).collect();
                        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT credit_code, id FROM enterprises")
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                        for (code, id) in rows {
                            if let Some(c) = wanted.get(code.as_str()) {
                                found.insert((*c).clone(), EnterpriseId(id));
                            }
                        }
                        return Ok(found);
                    }
                    for chunk in codes.chunks(1000) {
                        let mut qb = QueryBuilder::<$db>::new("SELECT credit_code, id FROM enterprises WHERE credit_code IN (");
                        let mut list = qb.separated(", ");
                        for c in chunk {
                            list.push_bind(c.as_str().to_string());
                        }
                        list.push_unseparated(")");
                        let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                        for (code, id) in rows {
                            if let Some(c) = chunk.iter().find(|c| c.as_str() == code) {
                                found.insert(c.clone(), EnterpriseId(id));
                            }
                        }
                    }
                    Ok(found)
                }

                async fn completeness_by_park(
                    &self,
                    form_code: &str,
                    period: Period,
                    date: Date,
                    cutoff: i64,
                ) -> StoreResult<HashMap<UnitId, Completeness>> {
                    let day = date_text(date);
                    // One pass over the locations of the day with each one's filing, if
                    // any: the counts of `completeness::tally`, without sending a row per
                    // enterprise.
                    let rows: Vec<(i64, i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
                        "SELECT l.park_id, COUNT(*), COUNT(f.first_submitted_at), \
                         COUNT(CASE WHEN f.first_submitted_at < $1 THEN 1 END), \
                         COUNT(CASE WHEN f.first_submitted_at >= $2 THEN 1 END), \
                         COUNT(CASE WHEN f.first_submitted_at IS NULL THEN 1 END), \
                         COUNT(CASE WHEN f.status = 'returned' THEN 1 END), \
                         COUNT(CASE WHEN f.status = 'approved' THEN 1 END) \
                         FROM enterprises e JOIN enterprise_locations l \
                         ON l.enterprise_id = e.id AND l.from_date <= $3 AND (l.until_date IS NULL OR l.until_date > $4) \
                         LEFT JOIN filings f ON f.enterprise_id = e.id AND f.form_code = $5 AND f.period = $6 \
                         WHERE e.in_survey GROUP BY l.park_id",
                    )
                    .bind(cutoff)
                    .bind(cutoff)
                    .bind(day.clone())
                    .bind(day)
                    .bind(form_code)
                    .bind(period.to_string())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let count = |n: i64| u32::try_from(n).map_err(|_| corrupt("a count of filings", &n.to_string()));
                    rows.into_iter()
                        .map(|(park, expected, filed, on_time, late, missing, returned, approved)| {
                            Ok((
                                UnitId(park),
                                Completeness {
                                    expected: count(expected)?,
                                    filed: count(filed)?,
                                    on_time: count(on_time)?,
                                    late: count(late)?,
                                    missing: count(missing)?,
                                    returned: count(returned)?,
                                    approved: count(approved)?,
                                },
                            ))
                        })
                        .collect()
                }

                async fn located_on(&self, date: Date) -> StoreResult<Vec<(EnterpriseId, UnitId, bool)>> {
                    let day = date_text(date);
                    let rows: Vec<(i64, i64, bool)> = sqlx::query_as(
                        "SELECT e.id, l.park_id, e.in_survey FROM enterprises e JOIN enterprise_locations l \
                         ON l.enterprise_id = e.id AND l.from_date <= $1 AND (l.until_date IS NULL OR l.until_date > $2) \
                         ORDER BY e.id",
                    )
                    .bind(day.clone())
                    .bind(day)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(|(e, p, s)| (EnterpriseId(e), UnitId(p), s)).collect())
                }
            }

            fn period_record((form_code, period, version, deadline): (String, String, i32, String)) -> StoreResult<PeriodRecord> {
                Ok(PeriodRecord {
                    form_code,
                    period: period_from(&period)?,
                    form_version: version_from(version)?,
                    deadline: parse_date(&deadline)?,
                })
            }
        }
    };
}
