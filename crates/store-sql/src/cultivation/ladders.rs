//! `LadderStore`, written once and expanded for each database like the other areas; the
//! rows it reads live here, outside the template. See the migration
//! `20260701000000_ladders.sql` for how versions are kept.

use innozone_store::{LadderRecord, LadderSummary, StoreResult};

use crate::model::corrupt;

#[derive(sqlx::FromRow)]
pub(crate) struct LadderSummaryRow {
    pub version: i64,
    pub form_code: String,
    pub form_version: i64,
    pub installed_at: i64,
    pub installed_by: String,
}

fn number(what: &str, value: i64) -> StoreResult<u32> {
    u32::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

impl LadderSummaryRow {
    pub fn into_summary(self) -> StoreResult<LadderSummary> {
        Ok(LadderSummary {
            version: number("the ladder version", self.version)?,
            form_code: self.form_code,
            form_version: number("the ladder's form version", self.form_version)?,
            installed_at: self.installed_at,
            installed_by: self.installed_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LadderRow {
    #[sqlx(flatten)]
    pub summary: LadderSummaryRow,
    pub source: String,
}

impl LadderRow {
    pub fn into_record(self) -> StoreResult<LadderRecord> {
        Ok(LadderRecord {
            summary: self.summary.into_summary()?,
            source: self.source,
        })
    }
}

/// The columns of [`LadderSummaryRow`] from `tier_ladders l`.
macro_rules! ladder_summary_columns {
    () => {
        "l.version, l.form_code, l.form_version, l.installed_at, l.installed_by"
    };
}

macro_rules! sql_ladders {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod ladders_impl {
            use async_trait::async_trait;
            use innozone_store::{Actor, LadderRecord, LadderStore, LadderSummary, NewLadder, StoreResult};

            use super::$store;
            use super::reporting_impl::audit;
            use crate::error::{db_error, keyed};
            use crate::cultivation::ladders::{LadderRow, LadderSummaryRow};

            #[async_trait]
            impl LadderStore for $store {
                async fn install_ladder(&self, ladder: &NewLadder, actor: &Actor) -> StoreResult<LadderSummary> {
                    let mut tx = self.write().await?;
                    let at = actor.at;
                    sqlx::query(
                        "INSERT INTO tier_ladders (version, form_code, form_version, source, installed_at, installed_by) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(i64::from(ladder.version))
                    .bind(ladder.form_code.as_str())
                    .bind(i64::from(ladder.form_version))
                    .bind(ladder.source.as_str())
                    .bind(at)
                    .bind(actor.name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(keyed("ladder", ladder.version))?;
                    audit(
                        &mut tx,
                        actor,
                        "ladder.install",
                        ladder.version.to_string(),
                        serde_json::json!({
                            "version": ladder.version,
                            "form_code": ladder.form_code,
                            "form_version": ladder.form_version,
                            "length": ladder.source.chars().count(),
                        }),
                    )
                    .await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(LadderSummary {
                        version: ladder.version,
                        form_code: ladder.form_code.clone(),
                        form_version: ladder.form_version,
                        installed_at: at,
                        installed_by: actor.name.clone(),
                    })
                }

                async fn ladder_versions(&self) -> StoreResult<Vec<LadderSummary>> {
                    let rows: Vec<LadderSummaryRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        ladder_summary_columns!(),
                        " FROM tier_ladders l ORDER BY l.version DESC"
                    ))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(LadderSummaryRow::into_summary).collect()
                }

                async fn ladder_sources(&self) -> StoreResult<Vec<LadderRecord>> {
                    let rows: Vec<LadderRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        ladder_summary_columns!(),
                        ", l.source FROM tier_ladders l ORDER BY l.version DESC"
                    ))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(LadderRow::into_record).collect()
                }

                async fn ladder_version(&self, version: u32) -> StoreResult<Option<LadderRecord>> {
                    let row: Option<LadderRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        ladder_summary_columns!(),
                        ", l.source FROM tier_ladders l WHERE l.version = $1"
                    ))
                    .bind(i64::from(version))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    row.map(LadderRow::into_record).transpose()
                }

                async fn latest_ladder(&self) -> StoreResult<Option<LadderRecord>> {
                    let row: Option<LadderRow> = sqlx::query_as(concat!(
                        "SELECT ",
                        ladder_summary_columns!(),
                        ", l.source FROM tier_ladders l ORDER BY l.version DESC LIMIT 1"
                    ))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    row.map(LadderRow::into_record).transpose()
                }
            }
        }
    };
}
