use innozone_domain::Date;
use innozone_domain::accounts::{Binding, Principal};
use innozone_domain::registry::{Hierarchy, UnitId};
use innozone_domain::reporting::authority::may_define_forms;
use innozone_domain::reporting::{Completeness, Form, Period};
use innozone_store::{FilingRecord, PeriodRecord, Store};

use super::context::form_version;
use super::progress::completeness_counts;
use crate::AppError;
use crate::accounts::actor_of;

/// Checks a form definition and stores it as a new version. The same version again with
/// the same text changes nothing; a changed definition needs a new version number, so
/// that periods filed under the old one keep it.
pub async fn install_form(
    store: &dyn Store,
    principal: &Principal,
    source: &str,
) -> Result<Form, AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    let form = Form::parse(source)?;
    store.save_form(&form, &actor_of(principal)).await?;
    Ok(form)
}

/// Opens a period of a form under its latest version, with the form's deadline unless
/// another is given; for an open period, changes the deadline.
pub async fn open_period(
    store: &dyn Store,
    principal: &Principal,
    form_code: &str,
    period: Period,
    deadline: Option<Date>,
) -> Result<PeriodRecord, AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    let versions = store.form_versions(form_code).await?;
    let Some(&latest) = versions.last() else {
        return Err(AppError::NotFound {
            entity: "form",
            key: form_code.to_string(),
        });
    };
    let existing = store.period(form_code, period).await?;
    let version = existing.as_ref().map_or(latest, |p| p.form_version);
    let form = form_version(store, form_code, version).await?;
    if period.period_type() != form.period_type {
        return Err(AppError::WrongPeriodType {
            form: form.code.clone(),
            period: period.to_string(),
        });
    }
    let record = PeriodRecord {
        form_code: form_code.to_string(),
        period,
        form_version: version,
        deadline: deadline.unwrap_or_else(|| form.deadline(period)),
    };
    store.save_period(&record, &actor_of(principal)).await?;
    Ok(record)
}

/// A form with its versions and periods, for the forms page.
#[derive(Debug, Clone)]
pub struct FormOverview {
    pub form: Form,
    pub versions: Vec<u32>,
    pub periods: Vec<PeriodRecord>,
}

pub async fn form_overview(
    store: &dyn Store,
    code: &str,
    version: Option<u32>,
) -> Result<FormOverview, AppError> {
    let versions = store.form_versions(code).await?;
    let Some(&latest) = versions.last() else {
        return Err(AppError::NotFound {
            entity: "form",
            key: code.to_string(),
        });
    };
    let form = form_version(store, code, version.unwrap_or(latest)).await?;
    let periods = store.periods(code).await?;
    Ok(FormOverview {
        form,
        versions,
        periods,
    })
}

/// The latest version of every form with the version numbers saved for it, for a list
/// of forms.
pub async fn forms_with_versions(store: &dyn Store) -> Result<Vec<(Form, Vec<u32>)>, AppError> {
    let mut out = Vec::new();
    for form in store.forms().await? {
        let versions = store.form_versions(&form.code).await?;
        out.push((form, versions));
    }
    Ok(out)
}

/// Installs a form definition as `install_form` does and answers with every version now
/// saved for it.
pub async fn install_form_versions(
    store: &dyn Store,
    principal: &Principal,
    source: &str,
) -> Result<(Form, Vec<u32>), AppError> {
    let form = install_form(store, principal, source).await?;
    let versions = store.form_versions(&form.code).await?;
    Ok((form, versions))
}

/// One period of a form as the reporting index shows it to the principal.
#[derive(Debug, Clone)]
pub struct PeriodProgress {
    pub period: PeriodRecord,
    /// For an enterprise's own filer: the enterprise's filing, if started.
    pub own_filing: Option<FilingRecord>,
    /// For staff: how far the unit's expected enterprises are (none when the principal
    /// may not see the unit's completeness).
    pub counts: Option<Completeness>,
}

/// One form and its periods, newest first.
#[derive(Debug, Clone)]
pub struct FormProgress {
    pub form: Form,
    pub periods: Vec<PeriodProgress>,
}

/// Every form (by code) with its periods: an enterprise's filer sees the state of the
/// enterprise's own filing in each, staff see the completeness within `unit`.
pub async fn reporting_index(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    unit: Option<UnitId>,
) -> Result<Vec<FormProgress>, AppError> {
    let own = match principal.binding {
        Binding::Enterprise(id) => Some(id),
        _ => None,
    };
    let mut forms = store.forms().await?;
    forms.sort_by(|a, b| a.code.cmp(&b.code));
    let mut out = Vec::with_capacity(forms.len());
    for form in forms {
        let mut periods = store.periods(&form.code).await?;
        periods.sort_by_key(|p| std::cmp::Reverse(p.period));
        let mut rows = Vec::with_capacity(periods.len());
        for period in periods {
            let mut row = PeriodProgress {
                period,
                own_filing: None,
                counts: None,
            };
            if let Some(enterprise) = own {
                row.own_filing = store
                    .filing(&form.code, row.period.period, enterprise)
                    .await?;
            } else if let Some(unit) = unit {
                match completeness_counts(store, principal, hierarchy, &row.period, unit).await {
                    Ok(total) => row.counts = Some(total),
                    Err(AppError::Forbidden) => {}
                    Err(e) => return Err(e),
                }
            }
            rows.push(row);
        }
        out.push(FormProgress {
            form,
            periods: rows,
        });
    }
    Ok(out)
}

/// Every form (its latest version) with its periods, in the store's order.
pub async fn forms_with_periods(
    store: &dyn Store,
) -> Result<Vec<(Form, Vec<PeriodRecord>)>, AppError> {
    let mut out = Vec::new();
    for form in store.forms().await? {
        let periods = store.periods(&form.code).await?;
        out.push((form, periods));
    }
    Ok(out)
}
