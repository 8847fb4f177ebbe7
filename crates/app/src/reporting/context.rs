use innozone_domain::Date;
use innozone_domain::accounts::{Binding, Principal};
use innozone_domain::registry::{Enterprise, EnterpriseId, Hierarchy, Location, Tree, UnitId};
use innozone_domain::reporting::{FilingValues, Form, Period};
use innozone_store::{ClosureRecord, FilingRecord, PeriodRecord, Store};

use crate::AppError;
use crate::audit::{Read, record_reads};

/// Everything a filing is judged by: the form version in force, the period, where the
/// enterprise was on the period's date, the filing so far and the ones it is compared with.
#[derive(Debug, Clone)]
pub struct FilingContext {
    pub form: Form,
    pub period: PeriodRecord,
    pub enterprise: Enterprise,
    /// The park the enterprise is located in on the period's last day (属地).
    pub park: Option<UnitId>,
    pub tree: Tree,
    pub filing: Option<FilingRecord>,
    pub previous_year: Option<FilingValues>,
    pub previous_period: Option<FilingValues>,
    /// Whether the zone has closed the period for the enterprise's park.
    pub closed: bool,
}

/// The park an enterprise is located in on `date`.
pub fn located_park(locations: &[Location], date: Date) -> Option<UnitId> {
    locations
        .iter()
        .find(|l| l.from <= date && l.until.is_none_or(|u| u > date))
        .map(|l| l.park)
}

/// The enterprises located within `unit` on the period's last day, with their park.
pub(crate) async fn located_within(
    store: &dyn Store,
    period: Period,
    tree: &Tree,
    unit: UnitId,
) -> Result<std::collections::HashMap<EnterpriseId, UnitId>, AppError> {
    Ok(store
        .located_on(period.last_day())
        .await?
        .into_iter()
        .filter(|(_, park, _)| tree.is_within(*park, unit))
        .map(|(e, park, _)| (e, park))
        .collect())
}

/// The enterprises with these ids, by id, read in pages rather than one by one: a zone's
/// list of missing filers or its export reads thousands.
pub async fn enterprises_by_id(
    store: &dyn Store,
    ids: &[EnterpriseId],
) -> Result<std::collections::HashMap<EnterpriseId, Enterprise>, AppError> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let query = innozone_store::EnterpriseQuery {
            only: Some(chunk.to_vec()),
            limit: chunk.len() as i64,
            ..Default::default()
        };
        for e in store.search_enterprises(&query).await?.items {
            found.insert(e.id, e);
        }
    }
    Ok(found)
}

pub(crate) fn closed_for(closures: &[ClosureRecord], park: Option<UnitId>, tree: &Tree) -> bool {
    park.is_some_and(|p| closures.iter().any(|c| tree.is_within(p, c.unit)))
}

/// One period of a form.
pub async fn period_record(
    store: &dyn Store,
    form_code: &str,
    period: Period,
) -> Result<PeriodRecord, AppError> {
    store
        .period(form_code, period)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "period",
            key: format!("{form_code}/{period}"),
        })
}

/// One version of a form.
pub async fn form_version(store: &dyn Store, code: &str, version: u32) -> Result<Form, AppError> {
    store
        .form(code, version)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "form",
            key: format!("{code} v{version}"),
        })
}

/// A filing with its values as `by` reads it: refused outside the user's scope, and the
/// read recorded in the read audit before the values are handed out. The web and the API
/// read filings only through this.
pub async fn read_filing(
    store: &dyn Store,
    by: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    enterprise: EnterpriseId,
) -> Result<FilingContext, AppError> {
    // An enterprise filer is told nothing about another enterprise, not even whether it
    // has filed.
    if matches!(by.binding, Binding::Enterprise(own) if own != enterprise) {
        return Err(AppError::Forbidden);
    }
    let context = filing_context(store, hierarchy, form_code, period, enterprise).await?;
    if !by.may_read_enterprise(enterprise, context.park, &context.tree) {
        return Err(AppError::Forbidden);
    }
    record_reads(
        store,
        by,
        Read::Filing,
        &format!("{form_code} {period}"),
        [enterprise.0],
    )
    .await?;
    Ok(context)
}

/// Everything a filing is judged by, for the use cases that check the user themselves.
pub(crate) async fn filing_context(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    enterprise: EnterpriseId,
) -> Result<FilingContext, AppError> {
    let record = period_record(store, form_code, period).await?;
    let filing = store.filing(form_code, period, enterprise).await?;
    // A filing stays with the version it was first filed under.
    let version = filing
        .as_ref()
        .map_or(record.form_version, |f| f.form_version);
    let form = form_version(store, form_code, version).await?;
    let found = store
        .enterprise(enterprise, crate::clock::today())
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "enterprise",
            key: enterprise.to_string(),
        })?;
    let date = period.last_day();
    let park = located_park(&store.enterprise_locations(enterprise).await?, date);
    let tree = hierarchy.as_of(date);
    let closed = closed_for(&store.closures(form_code, period).await?, park, &tree);
    let previous_year = earlier_values(store, &form, period.previous_year(), enterprise).await?;
    let previous_period = match period.previous_in_year() {
        Some(p) => earlier_values(store, &form, p, enterprise).await?,
        None => None,
    };
    Ok(FilingContext {
        form,
        period: record,
        enterprise: found,
        park,
        tree,
        filing,
        previous_year,
        previous_period,
        closed,
    })
}

async fn earlier_values(
    store: &dyn Store,
    form: &Form,
    period: Period,
    enterprise: EnterpriseId,
) -> Result<Option<FilingValues>, AppError> {
    Ok(store
        .filing(&form.code, period, enterprise)
        .await?
        .map(|f| FilingValues::from_map(form, &f.values)))
}

impl FilingContext {
    pub fn values(&self) -> FilingValues {
        match &self.filing {
            Some(f) => FilingValues::from_map(&self.form, &f.values),
            None => FilingValues::blank(&self.form),
        }
    }

    pub fn assessment_context(&self) -> innozone_domain::reporting::Context<'_> {
        innozone_domain::reporting::Context {
            previous_year: self.previous_year.as_ref(),
            previous_period: self.previous_period.as_ref(),
        }
    }
}

/// The units (zone or parks) for which the period has been closed, with who closed it
/// and when.
pub async fn period_closures(
    store: &dyn Store,
    form_code: &str,
    period: Period,
) -> Result<Vec<ClosureRecord>, AppError> {
    Ok(store.closures(form_code, period).await?)
}
