//! Rows of the reporting tables and their reading back into records.

use std::collections::BTreeMap;

use innozone_domain::registry::EnterpriseId;
use innozone_domain::reporting::{Explanations, FilingAction, FilingState, FilingStatus, Period};
use innozone_store::{FilingRecord, RevisionRecord, StoreResult};

use crate::model::corrupt;

#[derive(sqlx::FromRow)]
pub(crate) struct FilingRow {
    pub id: i64,
    pub form_code: String,
    pub form_version: i32,
    pub period: String,
    pub enterprise_id: i64,
    pub status: String,
    pub locked: bool,
    pub revision: i32,
    pub values_json: String,
    pub explanations_json: String,
    pub first_submitted_at: Option<i64>,
    pub updated_at: i64,
    pub note: Option<String>,
}

/// The columns of `FilingRow`: a filing joined with its latest revision `r`.
macro_rules! filing_columns {
    () => {
        "f.id, f.form_code, f.form_version, f.period, f.enterprise_id, f.status, f.locked, f.revision, \
         r.values_json, r.explanations_json, f.first_submitted_at, f.updated_at, r.note"
    };
}
pub(crate) use filing_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct RevisionRow {
    pub filing_id: i64,
    pub number: i32,
    pub action: String,
    pub status: String,
    pub locked: bool,
    pub form_version: i32,
    pub values_json: String,
    pub explanations_json: String,
    pub note: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub at: i64,
}

pub(crate) fn period_from(text: &str) -> StoreResult<Period> {
    text.parse().map_err(|_| corrupt("the period", text))
}

fn status_from(text: &str) -> StoreResult<FilingStatus> {
    FilingStatus::parse(text).ok_or_else(|| corrupt("the filing status", text))
}

fn values_from(text: &str) -> StoreResult<BTreeMap<String, f64>> {
    serde_json::from_str(text).map_err(|_| corrupt("the filing values", text))
}

fn explanations_from(text: &str) -> StoreResult<Explanations> {
    serde_json::from_str(text).map_err(|_| corrupt("the explanations", text))
}

/// Versions are INTEGER columns, which PostgreSQL hands back as INT4 only: read as `i32`
/// on both databases.
pub(crate) fn version_from(v: i32) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| corrupt("the form version", &v.to_string()))
}

impl FilingRow {
    pub fn into_record(self) -> StoreResult<FilingRecord> {
        Ok(FilingRecord {
            id: self.id,
            form_code: self.form_code,
            form_version: version_from(self.form_version)?,
            period: period_from(&self.period)?,
            enterprise: EnterpriseId(self.enterprise_id),
            state: FilingState {
                status: status_from(&self.status)?,
                locked: self.locked,
            },
            revision: self.revision,
            values: values_from(&self.values_json)?,
            explanations: explanations_from(&self.explanations_json)?,
            first_submitted_at: self.first_submitted_at,
            updated_at: self.updated_at,
            note: self.note,
        })
    }
}

impl RevisionRow {
    pub fn into_record(self) -> StoreResult<RevisionRecord> {
        Ok(RevisionRecord {
            filing_id: self.filing_id,
            number: self.number,
            action: FilingAction::parse(&self.action)
                .ok_or_else(|| corrupt("the filing action", &self.action))?,
            state: FilingState {
                status: status_from(&self.status)?,
                locked: self.locked,
            },
            form_version: version_from(self.form_version)?,
            values: values_from(&self.values_json)?,
            explanations: explanations_from(&self.explanations_json)?,
            note: self.note,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            at: self.at,
        })
    }
}
