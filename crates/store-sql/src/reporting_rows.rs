//! Rows of the reporting tables and their reading back into records.

use std::collections::{BTreeMap, HashMap};

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
    pub form_code: String,
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

/// The field codes of each form version, in the form's order: a revision's values are
/// stored as a JSON array in that order (`[120,18,null,3500.5]`), which takes a fifth
/// of the room of an object naming every field, the revision saying which version it
/// was made under.
pub(crate) type Layouts = HashMap<(String, i32), Vec<String>>;

/// Writes values in the layout of their form version; a value for a field the version
/// does not have is refused, since it could not be read back.
pub(crate) fn encode_values(
    codes: &[String],
    values: &BTreeMap<String, f64>,
) -> StoreResult<String> {
    use std::fmt::Write;
    // Both are in order, the codes by the form and the values by code: place each value
    // by the position of its code.
    let mut slots: Vec<Option<f64>> = vec![None; codes.len()];
    for (code, value) in values {
        let slot = codes
            .iter()
            .position(|c| c == code)
            .ok_or_else(|| corrupt("the field", code))?;
        slots[slot] = Some(*value);
    }
    let last = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    let mut out = String::with_capacity(8 * last + 2);
    out.push('[');
    for (i, slot) in slots[..last].iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match slot {
            None => out.push_str("null"),
            // Whole numbers without a decimal point; others in the shortest form that
            // reads back to the same number.
            Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => {
                let _ = write!(out, "{}", *v as i64);
            }
            Some(v) => {
                let _ = write!(out, "{v}");
            }
        }
    }
    out.push(']');
    Ok(out)
}

fn values_from(
    layouts: &Layouts,
    form: &str,
    version: i32,
    text: &str,
) -> StoreResult<BTreeMap<String, f64>> {
    let codes = layouts
        .get(&(form.to_string(), version))
        .ok_or_else(|| corrupt("the form version", &format!("{form} v{version}")))?;
    let values: Vec<Option<f64>> =
        serde_json::from_str(text).map_err(|_| corrupt("the filing values", text))?;
    if values.len() > codes.len() {
        return Err(corrupt("the filing values", text));
    }
    Ok(codes
        .iter()
        .zip(values)
        .filter_map(|(c, v)| v.map(|v| (c.clone(), v)))
        .collect())
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
    pub fn into_record(self, layouts: &Layouts) -> StoreResult<FilingRecord> {
        Ok(FilingRecord {
            values: values_from(
                layouts,
                &self.form_code,
                self.form_version,
                &self.values_json,
            )?,
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
            explanations: explanations_from(&self.explanations_json)?,
            first_submitted_at: self.first_submitted_at,
            updated_at: self.updated_at,
            note: self.note,
        })
    }
}

impl RevisionRow {
    pub fn into_record(self, layouts: &Layouts) -> StoreResult<RevisionRecord> {
        Ok(RevisionRecord {
            values: values_from(
                layouts,
                &self.form_code,
                self.form_version,
                &self.values_json,
            )?,
            filing_id: self.filing_id,
            number: self.number,
            action: FilingAction::parse(&self.action)
                .ok_or_else(|| corrupt("the filing action", &self.action))?,
            state: FilingState {
                status: status_from(&self.status)?,
                locked: self.locked,
            },
            form_version: version_from(self.form_version)?,
            explanations: explanations_from(&self.explanations_json)?,
            note: self.note,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            at: self.at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_laid_out_by_the_form_and_read_back_unchanged() {
        let codes: Vec<String> = ["employees", "rd_staff", "revenue", "export"]
            .map(String::from)
            .to_vec();
        let values: BTreeMap<String, f64> = [
            ("employees".to_string(), 120.0),
            ("revenue".to_string(), 3500.25),
        ]
        .into();
        let text = encode_values(&codes, &values).unwrap();
        // Trailing blanks are left off, whole numbers have no decimal point.
        assert_eq!(text, "[120,null,3500.25]");
        let layouts: Layouts = [(("f".to_string(), 1), codes.clone())].into();
        assert_eq!(values_from(&layouts, "f", 1, &text).unwrap(), values);
        assert_eq!(encode_values(&codes, &BTreeMap::new()).unwrap(), "[]");
        let tiny: BTreeMap<String, f64> = [("export".to_string(), 0.1 + 0.2)].into();
        let back = values_from(&layouts, "f", 1, &encode_values(&codes, &tiny).unwrap()).unwrap();
        assert_eq!(
            back, tiny,
            "the shortest form reads back to the same number"
        );
        let stray: BTreeMap<String, f64> = [("profit".to_string(), 1.0)].into();
        assert!(encode_values(&codes, &stray).is_err());
        assert!(values_from(&layouts, "f", 1, "[1,2,3,4,5]").is_err());
        assert!(values_from(&layouts, "f", 2, "[1]").is_err());
    }
}
