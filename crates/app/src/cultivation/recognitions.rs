//! Recognitions (认定): imported from a workbook (checked first, applied all or nothing),
//! entered one at a time on the enterprise page through the same checks, an enterprise's
//! position on the ladder with its history, and the certificates that expire soon within
//! the user's scope. Who may record: administrators, zone and park staff, for the
//! enterprises in their part of the zone; enterprise filers read their own only.

use std::collections::HashMap;

use innozone_domain::Date;
use innozone_domain::accounts::Principal;
use innozone_domain::registry::import::{
    RECOGNITION_COLUMNS, RecognitionHolder, RecognitionImportPlan, RecordedCertificate,
    parse_recognition_rows_partial, plan_recognition_import,
};
use innozone_domain::registry::{Enterprise, EnterpriseId, Hierarchy, Tier, UnitId};
use innozone_domain::table::Table;
use innozone_exchange::{SheetData, Value};
use innozone_store::{ImportSummary, NewRecognition, RecognitionRecord, RecognitionSource, Store};

use crate::AppError;
use crate::accounts::actor_of;
use crate::issues::Issues;
use crate::registry::{ImportReport, form_table};

/// The recognitions template: the sheet 认定 with the import's columns and an example row.
pub fn recognition_template() -> Result<Vec<u8>, AppError> {
    innozone_exchange::template_xlsx("认定", &RECOGNITION_COLUMNS, "填写说明")
        .map_err(|e| AppError::File(e.to_string()))
}

/// Checks (`dry_run`) or applies a recognitions sheet. In the report, `updated` counts
/// corrections of recorded certificates (their earlier versions are kept).
pub async fn import_recognitions(
    store: &dyn Store,
    principal: &Principal,
    table: &Table,
    dry_run: bool,
    today: Date,
) -> Result<ImportReport, AppError> {
    if !principal.may_import() {
        return Err(AppError::Forbidden);
    }
    record_table(
        store,
        principal,
        table,
        dry_run,
        RecognitionSource::Imported,
        today,
    )
    .await
}

/// Enters one recognition of an enterprise from a form: `fields` are the import's column
/// keys (tier, certificate_no, issued_on, expires_on, authority) with their text; the
/// enterprise's credit code is added, so the form runs exactly the import's checks and
/// its problems name the field.
pub async fn enter_recognition(
    store: &dyn Store,
    principal: &Principal,
    enterprise: EnterpriseId,
    fields: &[(&str, String)],
    today: Date,
) -> Result<ImportReport, AppError> {
    if !principal.may_import() {
        return Err(AppError::Forbidden);
    }
    let e = store
        .enterprise(enterprise, today)
        .await?
        .ok_or(AppError::NotFound {
            entity: "enterprise",
            key: enterprise.to_string(),
        })?;
    let mut all = vec![("credit_code", e.details.credit_code.to_string())];
    all.extend(
        fields
            .iter()
            .filter(|(k, _)| *k != "credit_code" && *k != "name")
            .map(|(k, v)| (*k, v.clone())),
    );
    let table = form_table(&all);
    record_table(
        store,
        principal,
        &table,
        false,
        RecognitionSource::Entered,
        today,
    )
    .await
}

async fn record_table(
    store: &dyn Store,
    principal: &Principal,
    table: &Table,
    dry_run: bool,
    source: RecognitionSource,
    today: Date,
) -> Result<ImportReport, AppError> {
    let (rows, mut issues) = parse_recognition_rows_partial(table);
    let count = rows.len() + issues.len();
    let codes: Vec<_> = rows.iter().map(|r| r.credit_code.clone()).collect();
    let holders: HashMap<_, _> = store
        .stored_enterprises(&codes)
        .await?
        .into_iter()
        .map(|(code, s)| {
            let holder = RecognitionHolder {
                id: s.id,
                name: s.draft.name.clone(),
                park: s.location.as_ref().map(|l| l.park),
            };
            (code, holder)
        })
        .collect();
    let keys: Vec<(Tier, String)> = rows
        .iter()
        .map(|r| (r.recognition.tier, r.recognition.certificate_no.clone()))
        .collect();
    let recorded = store.recognitions_by_certificate(&keys).await?;
    let mut codes_of: HashMap<EnterpriseId, Option<_>> = HashMap::new();
    let own: Vec<EnterpriseId> = holders.values().map(|h| h.id).collect();
    for r in &recorded {
        if !own.contains(&r.enterprise) && !codes_of.contains_key(&r.enterprise) {
            let code = store
                .enterprise(r.enterprise, today)
                .await?
                .map(|e| e.details.credit_code);
            codes_of.insert(r.enterprise, code);
        }
    }
    let recorded: Vec<RecordedCertificate> = recorded
        .into_iter()
        .map(|r| RecordedCertificate {
            id: r.id,
            enterprise: r.enterprise,
            credit_code: codes_of.get(&r.enterprise).cloned().flatten(),
            recognition: r.recognition,
            authority: r.authority,
        })
        .collect();
    let hierarchy = store.hierarchy().await?;
    let tree = hierarchy.as_of(today);
    let planned = plan_recognition_import(table, rows, &holders, &recorded, principal, &tree);
    let plan: RecognitionImportPlan = match planned {
        Ok(plan) if issues.is_empty() => plan,
        Ok(_) => return Err(AppError::Import(Issues::from_vec(issues))),
        Err(more) => {
            issues.extend(more);
            return Err(AppError::Import(Issues::from_vec(issues)));
        }
    };
    let (created, corrected) = if dry_run {
        (plan.created() as u64, plan.corrected() as u64)
    } else {
        let entries: Vec<NewRecognition> = plan
            .changes
            .iter()
            .map(|c| NewRecognition {
                enterprise: c.enterprise,
                recognition: c.recognition.clone(),
                authority: c.authority.clone(),
                source,
                corrects: c.corrects,
            })
            .collect();
        let done = store
            .record_recognitions(&entries, &actor_of(principal))
            .await?;
        (done.created, done.corrected)
    };
    Ok(ImportReport {
        dry_run,
        rows: count,
        summary: ImportSummary {
            created,
            updated: corrected,
            unchanged: plan.unchanged as u64,
            moved: 0,
        },
    })
}

/// One tier of the ladder for an enterprise on a date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rung {
    pub tier: Tier,
    /// The recognition of this tier valid on the date, the one expiring last if several.
    pub held: Option<RecognitionRecord>,
}

/// An enterprise's position on the ladder (梯度) on a date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ladder {
    pub enterprise: Enterprise,
    pub date: Date,
    /// The nine tiers in the ladder's order.
    pub rungs: Vec<Rung>,
    /// The highest tier held on the date, by the ladder's order.
    pub highest: Option<Tier>,
    /// Every recognition, current and earlier versions, newest issue first; earlier
    /// versions after the current one they were replaced by.
    pub history: Vec<RecognitionRecord>,
    /// Whether the user may enter a recognition for this enterprise.
    pub may_record: bool,
}

impl Ladder {
    /// A recognition of the history on the ladder's date: `superseded` (an earlier
    /// version), `valid`, `future` (issued later) or `expired`.
    pub fn status(&self, r: &RecognitionRecord) -> &'static str {
        if r.replaced.is_some() {
            "superseded"
        } else if r.recognition.is_valid_on(self.date) {
            "valid"
        } else if r.recognition.issued_on > self.date {
            "future"
        } else {
            "expired"
        }
    }
}

pub async fn ladder(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    enterprise: EnterpriseId,
    date: Date,
) -> Result<Ladder, AppError> {
    let tree = hierarchy.as_of(date);
    let e = store
        .enterprise(enterprise, date)
        .await?
        .ok_or(AppError::NotFound {
            entity: "enterprise",
            key: enterprise.to_string(),
        })?;
    if !principal.may_read_enterprise(e.id, e.park, &tree) {
        return Err(AppError::Forbidden);
    }
    let mut history = store.recognition_history(enterprise).await?;
    let rungs: Vec<Rung> = Tier::ALL
        .into_iter()
        .map(|tier| Rung {
            tier,
            held: history
                .iter()
                .filter(|r| {
                    r.replaced.is_none()
                        && r.recognition.tier == tier
                        && r.recognition.is_valid_on(date)
                })
                .max_by_key(|r| (r.recognition.expires_on.is_none(), r.recognition.expires_on))
                .cloned(),
        })
        .collect();
    let highest = rungs
        .iter()
        .filter(|r| r.held.is_some())
        .map(|r| r.tier)
        .max();
    history.sort_by(|a, b| {
        (
            b.recognition.issued_on,
            a.replaced.is_some(),
            b.replaced.as_ref().map(|r| r.at),
        )
            .cmp(&(
                a.recognition.issued_on,
                b.replaced.is_some(),
                a.replaced.as_ref().map(|r| r.at),
            ))
    });
    Ok(Ladder {
        may_record: principal.may_import() && principal.may_write_enterprise(e.id, e.park, &tree),
        enterprise: e,
        date,
        rungs,
        highest,
        history,
    })
}

/// A certificate that expires soon, with its enterprise.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Expiring {
    pub record: RecognitionRecord,
    pub credit_code: String,
    pub name: String,
    pub park: Option<UnitId>,
    pub park_name: Option<String>,
    /// Days from the list's first day to the expiry.
    pub days_left: i64,
}

/// The day `months` months after `date` (the month's last day when it is shorter).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + (u8::from(date.month()) as i32 - 1) + months as i32;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).expect("1..=12");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("a valid day")
}

/// The current certificates the user may read that expire from `from` to `months` months
/// later (both days included), by expiry.
pub async fn expiring(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    from: Date,
    months: u32,
    today: Date,
) -> Result<Vec<Expiring>, AppError> {
    if !principal.sees_enterprises() {
        return Err(AppError::Forbidden);
    }
    let tree = hierarchy.as_of(today);
    let to = add_months(from, months);
    let listed = store.recognitions_expiring(from, to).await?;
    Ok(listed
        .into_iter()
        .filter(|l| principal.may_read_enterprise(l.record.enterprise, l.park, &tree))
        .map(|l| {
            let days_left = l
                .record
                .recognition
                .expires_on
                .map_or(0, |x| (x - from).whole_days());
            Expiring {
                park_name: l
                    .park
                    .and_then(|p| hierarchy.unit(p))
                    .map(|u| u.name_zh.clone()),
                credit_code: l.credit_code.to_string(),
                name: l.name,
                park: l.park,
                record: l.record,
                days_left,
            }
        })
        .collect())
}

/// The expiring list as a sheet with the import's columns first (so that renewed
/// certificates can be entered in it and imported back), then the park and days left.
pub fn expiring_sheet(items: &[Expiring]) -> SheetData {
    let text = |s: &str| Value::Text(s.to_string());
    let mut headers: Vec<String> = RECOGNITION_COLUMNS
        .iter()
        .map(|c| c.template_header())
        .collect();
    headers.push("所在园区".to_string());
    headers.push("剩余天数".to_string());
    SheetData {
        name: "即将到期".to_string(),
        headers,
        rows: items
            .iter()
            .map(|i| {
                let r = &i.record.recognition;
                vec![
                    text(&i.credit_code),
                    text(&i.name),
                    text(r.tier.name_zh()),
                    text(&r.certificate_no),
                    Value::Date(r.issued_on),
                    r.expires_on.map_or(Value::Empty, Value::Date),
                    i.record.authority.as_deref().map_or(Value::Empty, text),
                    i.park_name.as_deref().map_or(Value::Empty, text),
                    Value::Integer(i.days_left),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::add_months;

    #[test]
    fn months_are_added_to_the_calendar() {
        assert_eq!(add_months(date!(2025 - 01 - 31), 1), date!(2025 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 08 - 31), 6), date!(2025 - 02 - 28));
        assert_eq!(add_months(date!(2025 - 07 - 15), 6), date!(2026 - 01 - 15));
        assert_eq!(add_months(date!(2025 - 07 - 15), 0), date!(2025 - 07 - 15));
    }
}
