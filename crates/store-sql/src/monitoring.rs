//! `MonitoringStore`, written once and expanded for each database like `registry.rs` and
//! `reporting.rs`; the rows it reads and the SQL that is the same for both live here,
//! outside the template.

use innozone_domain::registry::UnitId;
use innozone_domain::reporting::FilingValues;
use innozone_store::{DocumentRecord, StatisticRecord, StoreResult};

use crate::model::corrupt;
use crate::reporting_rows::period_from;

/// The two documents the zone edits as versions, one table each.
#[derive(Clone, Copy)]
pub(crate) enum Document {
    Catalogue,
    Targets,
}

impl Document {
    pub fn insert(self) -> &'static str {
        match self {
            Document::Catalogue => {
                "INSERT INTO catalogue_versions (source, saved_at, saved_by) VALUES ($1, $2, $3) RETURNING id"
            }
            Document::Targets => {
                "INSERT INTO target_versions (source, saved_at, saved_by) VALUES ($1, $2, $3) RETURNING id"
            }
        }
    }

    pub fn latest(self) -> &'static str {
        match self {
            Document::Catalogue => {
                "SELECT id, source, saved_at, saved_by FROM catalogue_versions ORDER BY id DESC LIMIT 1"
            }
            Document::Targets => {
                "SELECT id, source, saved_at, saved_by FROM target_versions ORDER BY id DESC LIMIT 1"
            }
        }
    }

    pub fn newest_first(self) -> &'static str {
        match self {
            Document::Catalogue => {
                "SELECT id, source, saved_at, saved_by FROM catalogue_versions ORDER BY id DESC"
            }
            Document::Targets => {
                "SELECT id, source, saved_at, saved_by FROM target_versions ORDER BY id DESC"
            }
        }
    }

    /// The audit action; its entity (`catalogue`, `targets`) is what comes before the dot.
    pub fn action(self) -> &'static str {
        match self {
            Document::Catalogue => "catalogue.save",
            Document::Targets => "targets.save",
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DocumentRow {
    pub id: i64,
    pub source: String,
    pub saved_at: i64,
    pub saved_by: String,
}

impl DocumentRow {
    pub fn into_record(self) -> DocumentRecord {
        DocumentRecord {
            id: self.id,
            source: self.source,
            saved_at: self.saved_at,
            saved_by: self.saved_by,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StatisticRow {
    pub id: i64,
    pub unit_id: i64,
    pub period: String,
    pub code: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub recorded_at: i64,
    pub recorded_by: String,
}

impl StatisticRow {
    pub fn into_record(self) -> StoreResult<StatisticRecord> {
        Ok(StatisticRecord {
            id: self.id,
            unit: UnitId(self.unit_id),
            period: period_from(&self.period)?,
            code: self.code,
            value: self.value,
            note: self.note,
            recorded_at: self.recorded_at,
            recorded_by: self.recorded_by,
        })
    }
}

/// The columns of [`StatisticRow`] from `unit_statistics s`.
macro_rules! statistic_columns {
    () => {
        "s.id, s.unit_id, s.period, s.code, s.value, s.note, s.recorded_at, s.recorded_by"
    };
}

/// Which revision of each filing of a form and period monitoring counts, with `$current`
/// the statuses for which the filing's latest revision is the one:
///
/// - a filing whose latest revision is approved (locked or not) counts with it;
/// - otherwise with its latest approved revision, if it has one: a filing reopened for
///   correction, or returned after its approval, keeps counting with what was approved
///   until a new approval;
/// - with unapproved ones included, a filing awaiting review (its latest revision
///   submitted) counts with that submission. A submission the park returned does not
///   count: the filing falls back to its latest approved revision, like a draft does.
///
/// Two plain joins, put together with UNION ALL, rather than one join on a computed
/// revision number: PostgreSQL estimates those well, and once it has statistics it no
/// longer hashes every revision of every period to find the few that are not current.
macro_rules! counted_current {
    ($current:literal) => {
        concat!(
            " FROM filings f JOIN filing_revisions r ON r.filing_id = f.id AND r.number = f.revision \
             WHERE f.form_code = $1 AND f.period = $2 AND f.status IN (",
            $current,
            ")"
        )
    };
}

/// The other half of [`counted_current`]: the latest approved revision of the filings
/// whose latest revision does not count.
macro_rules! counted_fallback {
    ($current:literal) => {
        concat!(
            " FROM filings f JOIN filing_revisions r ON r.filing_id = f.id AND r.status = 'approved' \
             WHERE f.form_code = $3 AND f.period = $4 AND f.status NOT IN (",
            $current,
            ") AND NOT EXISTS (SELECT 1 FROM filing_revisions b WHERE b.filing_id = f.id \
             AND b.status = 'approved' AND b.number > r.number)"
        )
    };
}

/// The counted filings a row each (PostgreSQL). Binds: the form code and the period,
/// twice.
macro_rules! counted_rows {
    ($current:literal) => {
        concat!(
            "SELECT f.id, f.enterprise_id, r.number, r.status, r.form_version, r.values_json",
            counted_current!($current),
            " UNION ALL SELECT f.id, f.enterprise_id, r.number, r.status, r.form_version, r.values_json",
            counted_fallback!($current)
        )
    };
}

/// The counted filings as lines of text `filing_id enterprise_id number status
/// form_version values_json` (the values, a JSON array of numbers, hold no space) joined
/// by `;`, a row per thousand enterprise ids (SQLite). sqlx hands SQLite's rows over from
/// its worker thread one by one, which costs more than the query itself when there are
/// hundreds of thousands of them, all the more on a busy machine; on PostgreSQL the
/// grouping costs more than it saves. `string_agg` needs SQLite 3.44: the bundled one.
///
/// The same revisions as [`counted_rows`], found in one pass over the filings: SQLite
/// plans it as a probe of the revisions' key per filing, the fastest way there is, where
/// PostgreSQL, once it has statistics, would rather hash every revision. Binds: the form
/// code and the period.
macro_rules! counted_packed {
    ($current:literal) => {
        concat!(
            "SELECT string_agg(line, ';') FROM (SELECT ",
            counted_line!(),
            " FROM filings f JOIN filing_revisions r ON r.filing_id = f.id AND r.number = \
             CASE WHEN f.status IN (",
            $current,
            ") THEN f.revision ELSE (SELECT MAX(a.number) FROM filing_revisions a \
             WHERE a.filing_id = f.id AND a.status = 'approved') END \
             WHERE f.form_code = $1 AND f.period = $2) c GROUP BY bucket"
        )
    };
}

macro_rules! counted_line {
    () => {
        "f.id || ' ' || f.enterprise_id || ' ' || r.number || ' ' || r.status || ' ' || r.form_version \
         || ' ' || r.values_json AS line, f.enterprise_id / 1000 AS bucket"
    };
}

/// The queries of `counted_filings`, indexed by `include_unapproved`: approved only, or
/// with those awaiting review.
pub(crate) const COUNTED_ROWS: [&str; 2] = [
    counted_rows!("'approved'"),
    counted_rows!("'approved', 'submitted'"),
];
pub(crate) const COUNTED_PACKED: [&str; 2] = [
    counted_packed!("'approved'"),
    counted_packed!("'approved', 'submitted'"),
];

/// One counted filing as [`COUNTED_ROWS`] and [`COUNTED_PACKED`] give it, its values
/// still as text.
pub(crate) struct CountedLine<'a> {
    pub filing_id: i64,
    pub enterprise: i64,
    pub revision: i32,
    pub approved: bool,
    pub form_version: i32,
    pub values: &'a str,
}

/// Reads the lines of one row of [`COUNTED_PACKED`].
pub(crate) fn counted_lines(text: &str) -> StoreResult<Vec<CountedLine<'_>>> {
    text.split(';')
        .map(|line| {
            let bad = || corrupt("the counted filing", line);
            let mut parts = line.splitn(6, ' ');
            let mut next = || parts.next().ok_or_else(bad);
            let filing_id = next()?.parse().map_err(|_| bad())?;
            let enterprise = next()?.parse().map_err(|_| bad())?;
            let revision = next()?.parse().map_err(|_| bad())?;
            let approved = next()? == "approved";
            let form_version = next()?.parse().map_err(|_| bad())?;
            let values = next()?;
            Ok(CountedLine {
                filing_id,
                enterprise,
                revision,
                approved,
                form_version,
                values,
            })
        })
        .collect()
}

/// The audit entities of everything monitoring reads besides filings: the registry
/// (`registry.rs` audits units, memberships, enterprises with their locations, and whole
/// data sets with their recognitions; `recognitions.rs` recorded and corrected
/// recognitions) and this module's own writes.
pub(crate) const MONITORING_FINGERPRINT: &str = "SELECT \
    (SELECT COALESCE(MAX(id), 0) + COUNT(*) FROM audit_log \
     WHERE entity IN ('unit', 'membership', 'enterprise', 'recognition', 'dataset', 'catalogue', 'targets', 'statistic')) \
    + (SELECT COALESCE(MAX(id), 0) FROM unit_statistics) \
    + (SELECT COALESCE(MAX(id), 0) FROM catalogue_versions) \
    + (SELECT COALESCE(MAX(id), 0) FROM target_versions)";

/// A revision's values (a JSON array in its form version's field order, trailing blanks
/// left off) laid out for a form version of `fields` fields.
pub(crate) fn values_in_order(fields: usize, text: &str) -> StoreResult<FilingValues> {
    let mut values: Vec<Option<f64>> =
        serde_json::from_str(text).map_err(|_| corrupt("the filing values", text))?;
    if values.len() > fields {
        return Err(corrupt("the filing values", text));
    }
    values.resize(fields, None);
    Ok(FilingValues(values))
}

macro_rules! sql_monitoring {
    (store: $store:ident, db: $db:ty, packed_counted_filings: $packed:expr $(,)?) => {
        mod monitoring_impl {
            use std::collections::{HashMap, HashSet};

            use async_trait::async_trait;
            use innozone_domain::Date;
            use innozone_domain::registry::{EnterpriseId, Tier, UnitId};
            use innozone_domain::reporting::Period;
            use innozone_store::{
                Actor, CountedFiling, DocumentRecord, EnterpriseProfile, MonitoringStore, NewStatistic,
                StatisticRecord, StoreError, StoreResult,
            };
            use sqlx::QueryBuilder;

            use super::$store;
            use super::reporting_impl::{audit, layouts};
            use crate::error::db_error;
            use crate::model::{date_text, size_class_from_code, tier_from_code};
            use crate::monitoring::{
                COUNTED_PACKED, COUNTED_ROWS, CountedLine, Document, DocumentRow, MONITORING_FINGERPRINT, StatisticRow,
                counted_lines, values_in_order,
            };
            use crate::reporting_rows::version_from;

            /// Rows per multi-row INSERT of statistics (7 values each).
            const STATISTIC_ROWS: usize = 2000;
            /// Lists bound into `IN (…)` are cut into pieces of this size.
            const IN_LIST_CHUNK: usize = 1000;

            impl $store {
                async fn save_document(&self, document: Document, source: &str, actor: &Actor) -> StoreResult<DocumentRecord> {
                    let mut tx = self.write().await?;
                    let at = actor.at;
                    let id: i64 = sqlx::query_scalar(document.insert())
                        .bind(source)
                        .bind(at)
                        .bind(actor.name.as_str())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    audit(
                        &mut tx,
                        actor,
                        document.action(),
                        id.to_string(),
                        serde_json::json!({"version": id, "length": source.chars().count()}),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(DocumentRecord { id, source: source.to_string(), saved_at: at, saved_by: actor.name.clone() })
                }

                async fn latest_document(&self, document: Document) -> StoreResult<Option<DocumentRecord>> {
                    let row: Option<DocumentRow> =
                        sqlx::query_as(document.latest()).fetch_optional(&self.pool).await.map_err(db_error)?;
                    Ok(row.map(DocumentRow::into_record))
                }

                async fn document_versions(&self, document: Document) -> StoreResult<Vec<DocumentRecord>> {
                    let rows: Vec<DocumentRow> =
                        sqlx::query_as(document.newest_first()).fetch_all(&self.pool).await.map_err(db_error)?;
                    Ok(rows.into_iter().map(DocumentRow::into_record).collect())
                }
            }

            fn sorted(mut records: Vec<StatisticRecord>) -> Vec<StatisticRecord> {
                records.sort_by(|a, b| (a.unit, a.period, &a.code).cmp(&(b.unit, b.period, &b.code)));
                records
            }

            #[async_trait]
            impl MonitoringStore for $store {
                async fn save_catalogue(&self, source: &str, actor: &Actor) -> StoreResult<DocumentRecord> {
                    self.save_document(Document::Catalogue, source, actor).await
                }

                async fn latest_catalogue(&self) -> StoreResult<Option<DocumentRecord>> {
                    self.latest_document(Document::Catalogue).await
                }

                async fn catalogue_versions(&self) -> StoreResult<Vec<DocumentRecord>> {
                    self.document_versions(Document::Catalogue).await
                }

                async fn save_targets(&self, source: &str, actor: &Actor) -> StoreResult<DocumentRecord> {
                    self.save_document(Document::Targets, source, actor).await
                }

                async fn latest_targets(&self) -> StoreResult<Option<DocumentRecord>> {
                    self.latest_document(Document::Targets).await
                }

                async fn target_versions(&self) -> StoreResult<Vec<DocumentRecord>> {
                    self.document_versions(Document::Targets).await
                }

                async fn record_statistics(&self, entries: &[NewStatistic], actor: &Actor) -> StoreResult<u64> {
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
                    for chunk in entries.chunks(STATISTIC_ROWS) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO unit_statistics (unit_id, period, code, value, note, recorded_at, recorded_by) ",
                        );
                        qb.push_values(chunk, |mut b, e| {
                            b.push_bind(e.unit.0)
                                .push_bind(e.period.to_string())
                                .push_bind(e.code.as_str())
                                .push_bind(e.value)
                                .push_bind(e.note.as_deref())
                                .push_bind(at)
                                .push_bind(actor.name.as_str());
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    let mut periods: Vec<Period> = entries.iter().map(|e| e.period).collect();
                    periods.sort_unstable();
                    periods.dedup();
                    let mut codes: Vec<&str> = entries.iter().map(|e| e.code.as_str()).collect();
                    codes.sort_unstable();
                    codes.dedup();
                    let key = periods.iter().map(Period::to_string).collect::<Vec<_>>().join(",");
                    audit(
                        &mut tx,
                        actor,
                        "statistic.record",
                        key,
                        serde_json::json!({
                            "entries": entries.len(),
                            "units": units.len(),
                            "cleared": entries.iter().filter(|e| e.value.is_none()).count(),
                            "codes": codes,
                        }),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(entries.len() as u64)
                }

                async fn statistics(&self, periods: &[Period]) -> StoreResult<Vec<StatisticRecord>> {
                    // An entry is current when no later entry of its unit, period and code
                    // exists; the index on (period, unit_id, code, id) answers both.
                    let query = |qb: &mut QueryBuilder<$db>| {
                        qb.push(concat!(
                            "SELECT ",
                            statistic_columns!(),
                            " FROM unit_statistics s WHERE s.value IS NOT NULL AND NOT EXISTS \
                             (SELECT 1 FROM unit_statistics t WHERE t.period = s.period AND t.unit_id = s.unit_id \
                             AND t.code = s.code AND t.id > s.id)"
                        ));
                    };
                    let mut rows: Vec<StatisticRow> = Vec::new();
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
                            qb.push(" AND s.period IN (");
                            let mut list = qb.separated(", ");
                            for p in chunk {
                                list.push_bind(p.clone());
                            }
                            list.push_unseparated(")");
                            let more: Vec<StatisticRow> =
                                qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                            rows.extend(more);
                        }
                    }
                    let records = rows.into_iter().map(StatisticRow::into_record).collect::<StoreResult<Vec<_>>>()?;
                    Ok(sorted(records))
                }

                async fn statistic_history(&self, unit: UnitId, code: &str) -> StoreResult<Vec<StatisticRecord>> {
                    let rows: Vec<StatisticRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        statistic_columns!(),
                        " FROM unit_statistics s WHERE s.unit_id = $1 AND s.code = $2 ORDER BY s.id"
                    ))
                    .bind(unit.0)
                    .bind(code)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(StatisticRow::into_record).collect()
                }

                async fn counted_filings(
                    &self,
                    form_code: &str,
                    period: Period,
                    include_unapproved: bool,
                ) -> StoreResult<Vec<CountedFiling>> {
                    let which = usize::from(include_unapproved);
                    let packed: bool = $packed;
                    let mut texts: Vec<String> = Vec::new();
                    let mut rows: Vec<(i64, i64, i32, String, i32, String)> = Vec::new();
                    if packed {
                        texts = sqlx::query_scalar(COUNTED_PACKED[which])
                            .bind(form_code)
                            .bind(period.to_string())
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    } else {
                        rows = sqlx::query_as(COUNTED_ROWS[which])
                            .bind(form_code)
                            .bind(period.to_string())
                            .bind(form_code)
                            .bind(period.to_string())
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    }
                    let mut lines: Vec<CountedLine<'_>> = Vec::with_capacity(rows.len());
                    for text in &texts {
                        lines.extend(counted_lines(text)?);
                    }
                    lines.extend(rows.iter().map(|(filing_id, enterprise, revision, status, version, values)| CountedLine {
                        filing_id: *filing_id,
                        enterprise: *enterprise,
                        revision: *revision,
                        approved: status == "approved",
                        form_version: *version,
                        values,
                    }));
                    let mut versions: Vec<i32> = lines.iter().map(|l| l.form_version).collect();
                    versions.sort_unstable();
                    versions.dedup();
                    let mut conn = self.pool.acquire().await.map_err(db_error)?;
                    let layouts =
                        layouts(&mut conn, versions.iter().map(|v| (form_code.to_string(), *v)).collect()).await?;
                    drop(conn);
                    let fields: HashMap<i32, usize> =
                        layouts.into_iter().map(|((_, version), codes)| (version, codes.len())).collect();
                    lines.sort_unstable_by_key(|l| l.enterprise);
                    lines
                        .into_iter()
                        .map(|l| {
                            Ok(CountedFiling {
                                filing_id: l.filing_id,
                                enterprise: EnterpriseId(l.enterprise),
                                revision: l.revision,
                                approved: l.approved,
                                form_version: version_from(l.form_version)?,
                                values: values_in_order(fields[&l.form_version], l.values)?,
                            })
                        })
                        .collect()
                }

                async fn filings_fingerprint(&self, form_code: &str, period: Period) -> StoreResult<i64> {
                    // The period counts the revisions appended to its filings (raised in the
                    // transaction that appends them): one row, however many filings.
                    let revisions: Option<i64> = sqlx::query_scalar(
                        "SELECT revisions FROM report_periods WHERE form_code = $1 AND period = $2",
                    )
                    .bind(form_code)
                    .bind(period.to_string())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(revisions.unwrap_or(0))
                }

                async fn monitoring_fingerprint(&self) -> StoreResult<i64> {
                    // Every write of what monitoring reads is audited in its own transaction.
                    // The highest id alone could miss, on PostgreSQL, a transaction that took a
                    // lower id and committed later; the count of entries cannot.
                    sqlx::query_scalar(MONITORING_FINGERPRINT).fetch_one(&self.pool).await.map_err(db_error)
                }

                async fn enterprise_profiles(&self) -> StoreResult<Vec<EnterpriseProfile>> {
                    let rows: Vec<(i64, String, String, bool)> =
                        sqlx::query_as("SELECT id, industry_code, size_class, in_survey FROM enterprises ORDER BY id")
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    rows.into_iter()
                        .map(|(id, industry, size, in_survey)| {
                            Ok(EnterpriseProfile {
                                id: EnterpriseId(id),
                                industry,
                                size_class: size_class_from_code(&size)?,
                                in_survey,
                            })
                        })
                        .collect()
                }

                async fn recognitions_on(&self, date: Date) -> StoreResult<Vec<(EnterpriseId, Tier)>> {
                    let day = date_text(date);
                    let rows: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT DISTINCT enterprise_id, tier FROM recognitions \
                         WHERE issued_on <= $1 AND (expires_on IS NULL OR expires_on > $2) ORDER BY enterprise_id, tier",
                    )
                    .bind(day.clone())
                    .bind(day)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(|(id, tier)| Ok((EnterpriseId(id), tier_from_code(&tier)?))).collect()
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_lines_are_read_back_and_bad_ones_refused() {
        let lines = counted_lines("7 12 3 approved 1 [1,null,2.5];8 13 1 submitted 2 []").unwrap();
        let read: Vec<_> = lines
            .iter()
            .map(|l| {
                (
                    l.filing_id,
                    l.enterprise,
                    l.revision,
                    l.approved,
                    l.form_version,
                    l.values,
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![
                (7, 12, 3, true, 1, "[1,null,2.5]"),
                (8, 13, 1, false, 2, "[]")
            ]
        );
        assert!(counted_lines("7 12 3 approved").is_err());
        assert!(counted_lines("x 12 3 approved 1 []").is_err());
    }

    #[test]
    fn values_are_laid_out_for_the_whole_form() {
        assert_eq!(
            values_in_order(4, "[1,null,2.5]").unwrap(),
            FilingValues(vec![Some(1.0), None, Some(2.5), None])
        );
        assert_eq!(
            values_in_order(2, "[]").unwrap(),
            FilingValues(vec![None, None])
        );
        assert!(values_in_order(1, "[1,2]").is_err());
        assert!(values_in_order(3, "{}").is_err());
    }
}
