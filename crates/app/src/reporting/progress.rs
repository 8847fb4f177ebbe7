use std::collections::HashMap;

use innozone_domain::accounts::Principal;
use innozone_domain::registry::{Enterprise, EnterpriseId, Hierarchy, Unit, UnitId};
use innozone_domain::reporting::completeness::{deadline_cutoff, tally};
use innozone_domain::reporting::{Completeness, FilingProgress, FilingStatus, Period};
use innozone_store::{FilingRecord, PeriodRecord, Store};

use super::context::{enterprises_by_id, located_within, period_record};
use crate::AppError;

#[derive(Debug, Clone)]
pub struct ParkCompleteness {
    pub park: Unit,
    pub counts: Completeness,
}

/// An expected enterprise that has not submitted, with whom to call.
#[derive(Debug, Clone)]
pub struct MissingEnterprise {
    pub enterprise: Enterprise,
    pub park: Unit,
    /// A draft exists but was never submitted.
    pub has_draft: bool,
}

#[derive(Debug, Clone)]
pub struct CompletenessView {
    pub period: PeriodRecord,
    pub unit: Unit,
    pub parks: Vec<ParkCompleteness>,
    pub total: Completeness,
    pub missing: Vec<MissingEnterprise>,
    /// Whether the period is closed for the unit.
    pub closed: bool,
}

/// Who was expected to file for the period within `unit`, and how far each park is.
pub async fn completeness(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    unit: UnitId,
) -> Result<CompletenessView, AppError> {
    let record = period_record(store, form_code, period).await?;
    let date = period.last_day();
    let tree = hierarchy.as_of(date);
    let home = hierarchy
        .unit(unit)
        .cloned()
        .ok_or_else(|| AppError::NotFound {
            entity: "unit",
            key: unit.to_string(),
        })?;
    if !principal.may_read_unit(unit, &tree) || !principal.sees_enterprises() {
        return Err(AppError::Forbidden);
    }
    let expected: Vec<(EnterpriseId, UnitId)> = store
        .surveyed_on(date)
        .await?
        .into_iter()
        .filter(|(_, park)| tree.is_within(*park, unit))
        .collect();
    let ids: Vec<EnterpriseId> = expected.iter().map(|(e, _)| *e).collect();
    let filings: HashMap<EnterpriseId, FilingRecord> = store
        .filings(form_code, period, Some(&ids))
        .await?
        .into_iter()
        .map(|f| (f.enterprise, f))
        .collect();
    let progress: HashMap<EnterpriseId, FilingProgress> = filings
        .iter()
        .map(|(e, f)| {
            (
                *e,
                FilingProgress {
                    status: f.state.status,
                    first_submitted_at: f.first_submitted_at,
                },
            )
        })
        .collect();
    let by_park = tally(&expected, &progress, record.deadline);
    let mut parks: Vec<ParkCompleteness> = by_park
        .iter()
        .filter_map(|(p, c)| {
            hierarchy.unit(*p).map(|u| ParkCompleteness {
                park: u.clone(),
                counts: *c,
            })
        })
        .collect();
    parks.sort_by(|a, b| a.park.code.as_str().cmp(b.park.code.as_str()));
    let mut total = Completeness::default();
    for p in &parks {
        total.add(&p.counts);
    }
    let unfiled: Vec<(EnterpriseId, UnitId)> = expected
        .iter()
        .filter(|(e, _)| {
            filings
                .get(e)
                .is_none_or(|f| f.first_submitted_at.is_none())
        })
        .copied()
        .collect();
    let ids: Vec<EnterpriseId> = unfiled.iter().map(|(e, _)| *e).collect();
    let mut found = enterprises_by_id(store, &ids).await?;
    let mut missing = Vec::new();
    for (e, park) in &unfiled {
        let filing = filings.get(e);
        let (Some(enterprise), Some(park)) = (found.remove(e), hierarchy.unit(*park)) else {
            continue;
        };
        missing.push(MissingEnterprise {
            enterprise,
            park: park.clone(),
            has_draft: filing.is_some_and(|f| f.state.status == FilingStatus::Draft),
        });
    }
    missing.sort_by(|a, b| {
        (a.park.code.as_str(), a.enterprise.details.name.as_str())
            .cmp(&(b.park.code.as_str(), b.enterprise.details.name.as_str()))
    });
    let closures = store.closures(form_code, period).await?;
    let closed = closures.iter().any(|c| tree.is_within(unit, c.unit));
    Ok(CompletenessView {
        period: record,
        unit: home,
        parks,
        total,
        missing,
        closed,
    })
}

/// How far the filings of a period are within `unit`: the totals of [`completeness`]
/// without who is missing, counted by the store in one query (what the list of forms
/// shows for every period at once).
pub async fn completeness_counts(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    record: &PeriodRecord,
    unit: UnitId,
) -> Result<Completeness, AppError> {
    let date = record.period.last_day();
    let tree = hierarchy.as_of(date);
    if hierarchy.unit(unit).is_none() {
        return Err(AppError::NotFound {
            entity: "unit",
            key: unit.to_string(),
        });
    }
    if !principal.may_read_unit(unit, &tree) || !principal.sees_enterprises() {
        return Err(AppError::Forbidden);
    }
    let by_park = store
        .completeness_by_park(
            &record.form_code,
            record.period,
            date,
            deadline_cutoff(record.deadline),
        )
        .await?;
    let mut total = Completeness::default();
    for (park, counts) in &by_park {
        if hierarchy.unit(*park).is_some() && tree.is_within(*park, unit) {
            total.add(counts);
        }
    }
    Ok(total)
}

/// Filings of the period within `unit` with the given status, for review.
pub async fn review_queue(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    unit: UnitId,
    status: Option<FilingStatus>,
) -> Result<Vec<(FilingRecord, Enterprise, Unit)>, AppError> {
    period_record(store, form_code, period).await?;
    let date = period.last_day();
    let tree = hierarchy.as_of(date);
    if !principal.may_read_unit(unit, &tree) || !principal.sees_enterprises() {
        return Err(AppError::Forbidden);
    }
    let located = located_within(store, period, &tree, unit).await?;
    let ids: Vec<EnterpriseId> = located.keys().copied().collect();
    let filings: Vec<FilingRecord> = store
        .filings(form_code, period, Some(&ids))
        .await?
        .into_iter()
        .filter(|f| status.is_none_or(|s| s == f.state.status))
        .collect();
    let wanted: Vec<EnterpriseId> = filings.iter().map(|f| f.enterprise).collect();
    let mut found = enterprises_by_id(store, &wanted).await?;
    let mut out = Vec::new();
    for f in filings {
        let (Some(enterprise), Some(park)) = (
            found.remove(&f.enterprise),
            located.get(&f.enterprise).and_then(|p| hierarchy.unit(*p)),
        ) else {
            continue;
        };
        if !principal.may_read_enterprise(enterprise.id, Some(park.id), &tree) {
            continue;
        }
        out.push((f, enterprise, park.clone()));
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.0.updated_at));
    Ok(out)
}
